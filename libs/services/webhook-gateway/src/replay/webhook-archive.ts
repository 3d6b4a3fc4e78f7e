import { Admin, Kafka } from 'kafkajs';
import { events, RawWebhookArchived } from '@consign/contracts';
import { PlatformError, toPlatformError } from '@consign/errors';
import { EventCodec, readRanges, topicWatermarks } from '@consign/kafka';
import { ArchiveSealing } from '../intake/archive-sealing';
import { ArchivedDelivery } from './archived-delivery';

/** Where an archived delivery is: its record in the raw archive topic. */
export interface ArchivePosition {
  partition: number;
  offset: string;
}

export type ArchiveRead = { position: ArchivePosition; delivery: ArchivedDelivery } | { position: ArchivePosition; error: PlatformError };

/**
 * The raw archive (`webhooks.raw.v1`) as replays read it: only what the gateway itself archived
 * after verifying a signature can be replayed, so a replay cannot publish a body the caller made up.
 */
export class WebhookArchive {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly codec: EventCodec,
    private readonly sealing: ArchiveSealing,
    readonly topic: string = events.rawWebhookArchived.topic.name,
  ) {}

  /** One answer per position, in order: the archived delivery, or why there is none there. */
  async read(positions: readonly ArchivePosition[]): Promise<ArchiveRead[]> {
    const marks = new Map((await topicWatermarks(this.admin, this.topic)).map((mark) => [mark.partition, mark]));
    const wanted = new Map<string, ArchivePosition>();
    const refused = new Map<string, PlatformError>();
    for (const position of positions) {
      const mark = marks.get(position.partition);
      const key = keyOf(position);
      if (!mark || BigInt(position.offset) < BigInt(mark.low) || BigInt(position.offset) >= BigInt(mark.high)) {
        refused.set(
          key,
          notArchived(this.topic, position, 'the archive does not hold that offset (beyond its retention, or never written)'),
        );
      } else {
        wanted.set(key, position);
      }
    }
    const found = new Map<string, ArchiveRead>();
    // One range per partition, from its lowest to its highest wanted offset.
    const ranges = [...groupByPartition([...wanted.values()])].map(([partition, offsets]) => ({
      topic: this.topic,
      partition,
      from: offsets.reduce((low, offset) => (offset < low ? offset : low)).toString(),
      to: (offsets.reduce((high, offset) => (offset > high ? offset : high)) + 1n).toString(),
    }));
    await readRanges(this.kafka, ranges, async (record) => {
      const position = { partition: record.partition, offset: record.offset };
      if (!wanted.has(keyOf(position))) return;
      found.set(keyOf(position), await this.decode(position, record.value));
    });
    return positions.map((position) => {
      const key = keyOf(position);
      return (
        found.get(key) ?? {
          position,
          error: refused.get(key) ?? notArchived(this.topic, position, 'no record there (a control record or compacted away)'),
        }
      );
    });
  }

  private async decode(position: ArchivePosition, value: Buffer | null): Promise<ArchiveRead> {
    let archived: RawWebhookArchived;
    try {
      if (value === null) throw new Error('the record is empty');
      archived = (await this.codec.decode<RawWebhookArchived>(value)).value;
      if (archived.metadata.eventType !== events.rawWebhookArchived.type)
        throw new Error(`the record is a ${archived.metadata.eventType}, not an archived delivery`);
      if (archived.source !== 'shopify' && archived.source !== 'clerk') throw new Error(`the record's source is ${archived.source}`);
    } catch (error) {
      return { position, error: notArchived(this.topic, position, toPlatformError(error).message) };
    }
    try {
      // An erased subject's body answers replay.erased; a database outage fails the whole read.
      const body = await this.sealing.open({ body: Buffer.from(archived.body), bodySealedFor: archived.bodySealedFor ?? null });
      return {
        position,
        delivery: {
          source: archived.source,
          deliveryId: archived.deliveryId,
          topic: archived.topic,
          tenantId: archived.metadata.tenantId,
          receivedAt: archived.metadata.receivedAt,
          headers: { ...archived.headers },
          body,
          // The original request's: the replayed event equals the one first published.
          correlationId: archived.metadata.correlationId,
        },
      };
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'replay.erased') return { position, error };
      // An altered body fails alone; a database outage or an unlisted key-encryption key fails the read.
      if (error instanceof PlatformError && error.code === 'personal_data.unreadable')
        return { position, error: notArchived(this.topic, position, error.message) };
      throw error;
    }
  }
}

function keyOf(position: ArchivePosition): string {
  return `${position.partition}:${position.offset}`;
}

function groupByPartition(positions: ArchivePosition[]): Map<number, bigint[]> {
  const groups = new Map<number, bigint[]>();
  for (const position of positions) groups.set(position.partition, [...(groups.get(position.partition) ?? []), BigInt(position.offset)]);
  return groups;
}

function notArchived(topic: string, position: ArchivePosition, reason: string): PlatformError {
  return new PlatformError(`${topic}:${position.partition}:${position.offset} is not an archived delivery: ${reason}`, {
    code: 'replay.not_archived',
    category: 'invalid',
    httpStatus: 404,
    details: { partition: position.partition, offset: position.offset },
  });
}
