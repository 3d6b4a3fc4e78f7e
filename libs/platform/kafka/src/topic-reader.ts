import { randomUUID } from 'node:crypto';
import { Admin, IHeaders, Kafka } from 'kafkajs';
import { PlatformError } from '@consign/errors';

/** Groups joined only to read (operator tools, replays); never shown as consumers of a topic. */
export const readerGroupPrefix = 'ops-reader-';

export interface TopicRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Milliseconds since the epoch, as Kafka stamped the record. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Offsets `from` (inclusive) to `to` (exclusive) of one partition. */
export interface PartitionRange {
  topic: string;
  partition: number;
  from: string;
  to: string;
}

export interface PartitionWatermarks {
  partition: number;
  /** The first offset still in the log. */
  low: string;
  /** The offset the next record will get. */
  high: string;
}

export async function topicWatermarks(admin: Admin, topic: string): Promise<PartitionWatermarks[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map(({ partition, low, high }) => ({ partition, low, high })).sort((a, b) => a.partition - b.partition);
}

/** The whole retained log of a topic, partition by partition. */
export async function wholeTopic(admin: Admin, topic: string): Promise<PartitionRange[]> {
  return (await topicWatermarks(admin, topic)).map(({ partition, low, high }) => ({ topic, partition, from: low, to: high }));
}

export function recordCount(ranges: PartitionRange[]): number {
  return ranges.reduce((sum, range) => sum + Math.max(0, Number(BigInt(range.to) - BigInt(range.from))), 0);
}

export function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = (Array.isArray(value) ? value[value.length - 1] : value).toString();
  }
  return result;
}

/**
 * Reads exactly the given ranges, in offset order within each partition, through a throwaway
 * consumer group that commits nothing (kafkajs has no group-less consumer). Resolves once every
 * range is read; fails when the broker delivers nothing for `idleTimeoutMs`.
 */
export async function readRanges(
  kafka: Kafka,
  ranges: PartitionRange[],
  onRecord: (record: TopicRecord) => Promise<void> | void,
  options: { idleTimeoutMs?: number } = {},
): Promise<void> {
  const remaining = new Map(
    ranges.filter((range) => BigInt(range.from) < BigInt(range.to)).map((range) => [`${range.topic}/${range.partition}`, range]),
  );
  if (remaining.size === 0) return;
  const groupId = `${readerGroupPrefix}${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  let lastProgress = Date.now();
  let failure: unknown;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set([...remaining.values()].map((range) => range.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning }) => {
        const range = remaining.get(`${batch.topic}/${batch.partition}`);
        if (!range) {
          consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
          return;
        }
        const from = BigInt(range.from);
        const last = BigInt(range.to) - 1n;
        try {
          for (const message of batch.messages) {
            if (!isRunning() || failure) return;
            const offset = BigInt(message.offset);
            if (offset < from || offset > last) continue;
            await onRecord({
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              timestamp: message.timestamp,
              key: message.key ?? null,
              value: message.value ?? null,
              headers: stringHeaders(message.headers),
            });
          }
        } catch (error) {
          failure = error;
          return;
        }
        lastProgress = Date.now();
        // Control records and compaction leave gaps: the batch's last offset, not its last message, says how far the log was read.
        if (BigInt(batch.lastOffset()) >= last) {
          remaining.delete(`${batch.topic}/${batch.partition}`);
          consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        }
      },
    });
    for (const range of remaining.values()) consumer.seek({ topic: range.topic, partition: range.partition, offset: range.from });
    const idleTimeoutMs = options.idleTimeoutMs ?? 20_000;
    while (remaining.size > 0 && !failure) {
      if (Date.now() - lastProgress > idleTimeoutMs) {
        const left = [...remaining.values()].map((range) => `${range.topic}:${range.partition}`).join(', ');
        throw new PlatformError(`Kafka delivered nothing for ${idleTimeoutMs / 1000}s while reading ${left}`, {
          code: 'kafka.read_stalled',
          category: 'dependency',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (failure) throw failure;
  } finally {
    await consumer.disconnect();
    await forgetGroup(kafka, groupId);
  }
}

/** Removes a reader's group so that it does not linger in group listings; best effort. */
async function forgetGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // An empty group without offsets also expires by itself.
  } finally {
    await admin.disconnect();
  }
}

/** Reads one record; fails readably when the offset is outside the retained log. */
export async function readOneRecord(kafka: Kafka, admin: Admin, topic: string, partition: number, offset: string): Promise<TopicRecord> {
  const marks = (await topicWatermarks(admin, topic)).find((entry) => entry.partition === partition);
  if (!marks)
    throw new PlatformError(`${topic} has no partition ${partition}`, {
      code: 'kafka.no_such_partition',
      category: 'invalid',
      httpStatus: 404,
    });
  const [low, high] = [BigInt(marks.low), BigInt(marks.high)];
  if (low === high) {
    // An empty partition has no range of offsets to name ("0 to -1").
    const gone = low > 0n ? ` (offsets below ${low} were deleted or expired)` : '';
    throw new PlatformError(`${topic}:${partition} is empty: it holds no records${gone}`, {
      code: 'kafka.no_such_record',
      category: 'invalid',
      httpStatus: 404,
    });
  }
  if (BigInt(offset) < low || BigInt(offset) >= high) {
    throw new PlatformError(`${topic}:${partition} holds offsets ${low} to ${high - 1n}; ${offset} is not among them`, {
      code: 'kafka.no_such_record',
      category: 'invalid',
      httpStatus: 404,
    });
  }
  let found: TopicRecord | undefined;
  await readRanges(kafka, [{ topic, partition, from: offset, to: (BigInt(offset) + 1n).toString() }], (record) => {
    found = record;
  });
  if (!found)
    throw new PlatformError(`no record at ${topic}:${partition}:${offset} (a control record or compacted away)`, {
      code: 'kafka.no_such_record',
      category: 'invalid',
      httpStatus: 404,
    });
  return found;
}
