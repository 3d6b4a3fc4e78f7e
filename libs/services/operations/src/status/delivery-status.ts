import { Admin, AssignerProtocol, Kafka } from 'kafkajs';
import { deadLetterTopic } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { DeadLetter, deadLetterFrom, RecordPosition } from '../deadletters/dead-letter';
import { AdminClient } from '../http/admin-client';
import { PartitionRange, readerGroupPrefix, readRanges, recordCount, topicWatermarks } from '@consign/kafka';
import { ProgressFactory } from '../progress/progress';
import { withCoordinatorRetry } from '../kafka/coordinator-retry';

/** A delivery as the gateway's admin API reports it (`GET /admin/deliveries/:id`). */
export interface GatewayDelivery {
  deliveryKey: string;
  source: string;
  tenantId: string;
  topic: string;
  deliveryId: string;
  sourceEventId: string | null;
  eventId: string;
  status: 'receiving' | 'published' | 'spooled' | 'duplicate' | 'failed';
  duplicateOf: string | null;
  attempts: number;
  receivedAt: string;
  verifiedAt: string;
  publishedAt: string | null;
  publishedTo: RecordPosition[] | null;
}

export interface ConsumerProgress {
  group: string;
  /** The group's committed offset on the record's partition; null when it has none. */
  committed: string | null;
  processed: boolean;
}

export interface RecordPath {
  record: RecordPosition;
  consumers: ConsumerProgress[];
  deadLetters: DeadLetter[];
}

export interface DeliveryStatus {
  delivery: GatewayDelivery;
  records: RecordPath[];
}

/** The deliveries the gateway knows for a delivery id, or else for an order (subject) id. */
export async function gatewayDeliveries(
  http: AdminClient,
  id: string,
): Promise<{ matchedBy: 'delivery' | 'subject'; deliveries: GatewayDelivery[] }> {
  const byDelivery = await http.request<{ deliveries?: GatewayDelivery[] }>(
    'gateway',
    'GET',
    `/admin/deliveries/${encodeURIComponent(id)}`,
    { accept: [404] },
  );
  if (byDelivery.status !== 404 && byDelivery.body.deliveries?.length)
    return { matchedBy: 'delivery', deliveries: byDelivery.body.deliveries };
  const bySubject = await http.request<{ deliveries?: GatewayDelivery[] }>(
    'gateway',
    'GET',
    `/admin/deliveries?subjectId=${encodeURIComponent(id)}`,
    { accept: [404] },
  );
  if (bySubject.status !== 404 && bySubject.body.deliveries?.length) return { matchedBy: 'subject', deliveries: bySubject.body.deliveries };
  throw new PlatformError(`the gateway knows no delivery and no order ${id} (its records cover the dedupe window)`, {
    code: 'operations.delivery_not_found',
    category: 'invalid',
  });
}

/** Consumer groups that read a topic: committed offsets on it, or members subscribed to it. The operator tools' own readers are left out. */
export async function consumerGroupsOf(admin: Admin, topic: string): Promise<Map<string, Map<number, string | null>>> {
  const { groups } = await admin.listGroups();
  const ids = groups
    .filter((group) => group.protocolType === 'consumer' && !group.groupId.startsWith(readerGroupPrefix))
    .map((group) => group.groupId);
  const subscribed = new Set<string>();
  if (ids.length > 0) {
    for (const described of (await withCoordinatorRetry(() => admin.describeGroups(ids))).groups) {
      for (const member of described.members) {
        const metadata = member.memberMetadata.length > 0 ? AssignerProtocol.MemberMetadata.decode(member.memberMetadata) : null;
        if (metadata?.topics.includes(topic)) subscribed.add(described.groupId);
      }
    }
  }
  const result = new Map<string, Map<number, string | null>>();
  for (const groupId of ids.sort()) {
    const [entry] = await withCoordinatorRetry(() => admin.fetchOffsets({ groupId, topics: [topic] }));
    const committed = new Map((entry?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset) < 0n ? null : offset]));
    if (subscribed.has(groupId) || [...committed.values()].some((offset) => offset !== null)) result.set(groupId, committed);
  }
  return result;
}

/**
 * The path of a delivery (or of every delivery of an order): received, verified, published where,
 * processed by which consumer groups, dead-lettered by which and why. Dead-letter topics are read
 * from the delivery's arrival on, and only those of groups that read the record's topic.
 */
export async function deliveryStatus(
  deps: { http: AdminClient; kafka: Kafka; admin: Admin; progress: ProgressFactory },
  id: string,
): Promise<{ query: string; matchedBy: 'delivery' | 'subject'; deliveries: DeliveryStatus[] }> {
  const { matchedBy, deliveries } = await gatewayDeliveries(deps.http, id);
  const topics = [...new Set(deliveries.flatMap((delivery) => (delivery.publishedTo ?? []).map((record) => record.topic)))];
  const groupsByTopic = new Map<string, Map<string, Map<number, string | null>>>();
  for (const topic of topics) groupsByTopic.set(topic, await consumerGroupsOf(deps.admin, topic));

  const earliestArrival = new Date(Math.min(...deliveries.map((delivery) => Date.parse(delivery.receivedAt) || 0)));
  const existing = new Set(await deps.admin.listTopics());
  const deadLetterTopics = [...new Set([...groupsByTopic.values()].flatMap((groups) => [...groups.keys()]))]
    .map((group) => deadLetterTopic(group).name)
    .filter((topic) => existing.has(topic));
  const ranges: PartitionRange[] = [];
  for (const topic of deadLetterTopics) {
    const starts = new Map(
      (await deps.admin.fetchTopicOffsetsByTimestamp(topic, earliestArrival.getTime())).map(({ partition, offset }) => [partition, offset]),
    );
    for (const { partition, low, high } of await topicWatermarks(deps.admin, topic)) {
      const start = starts.get(partition);
      ranges.push({ topic, partition, from: start !== undefined && BigInt(start) > BigInt(low) ? start : low, to: high });
    }
  }
  const wanted = new Set(deliveries.flatMap((delivery) => (delivery.publishedTo ?? []).map(positionKey)));
  const deadLetters: DeadLetter[] = [];
  const progress = deps.progress('scanning dead letters', recordCount(ranges));
  await readRanges(deps.kafka, ranges, (record) => {
    progress.advance();
    const deadLetter = deadLetterFrom(record);
    if (wanted.has(positionKey(deadLetter.original))) deadLetters.push(deadLetter);
  });
  progress.finish();

  return {
    query: id,
    matchedBy,
    deliveries: deliveries.map((delivery) => ({
      delivery,
      records: (delivery.publishedTo ?? []).map((record) => ({
        record,
        consumers: [...(groupsByTopic.get(record.topic) ?? new Map<string, Map<number, string | null>>())].map(([group, committed]) => {
          const offset = committed.get(record.partition) ?? null;
          return { group, committed: offset, processed: offset !== null && BigInt(offset) > BigInt(record.offset) };
        }),
        deadLetters: deadLetters.filter((deadLetter) => positionKey(deadLetter.original) === positionKey(record)),
      })),
    })),
  };
}

function positionKey(position: RecordPosition): string {
  return `${position.topic}:${position.partition}:${position.offset}`;
}
