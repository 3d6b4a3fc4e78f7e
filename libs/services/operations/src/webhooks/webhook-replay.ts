import { Admin, Kafka, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { RawWebhookArchived, topics } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec } from '@consign/kafka';
import { audited, recordOperatorAction } from '../audit/operator-actions';
import { RecordPosition } from '../deadletters/dead-letter';
import { AdminClient } from '../http/admin-client';
import { PartitionRange, readRanges, recordCount, topicWatermarks } from '@consign/kafka';
import { ProgressFactory } from '../progress/progress';

export type WebhookSelection = { deliveryIds: string[] } | { from: Date; to: Date; source?: 'shopify' | 'clerk'; topic?: string };

/** One archived delivery, as found in the raw archive. */
export interface ReplayDelivery {
  source: string;
  deliveryId: string;
  topic: string;
  tenantId: string;
  receivedAt: string;
  headers: Record<string, string>;
  bodyBase64: string;
}

export interface ArchivedWebhook extends ReplayDelivery {
  archivedAt: RecordPosition;
}

export interface ReplayResult {
  /** The archive record the gateway read and replayed. */
  archivedAt: { partition: number; offset: string };
  deliveryId: string | null;
  status: 'published' | 'failed';
  eventIds: string[];
  publishedTo: RecordPosition[];
  error?: string;
}

export interface ArchiveSearch {
  archived: ArchivedWebhook[];
  scanned: number;
  /** Archive records that are not a decodable RawWebhookArchived. */
  undecodable: RecordPosition[];
  /** Asked-for delivery ids the archive does not hold. */
  missing: string[];
}

export function matchesSelection(webhook: RawWebhookArchived, selection: WebhookSelection): boolean {
  if ('deliveryIds' in selection) return selection.deliveryIds.includes(webhook.deliveryId);
  const receivedAt = webhook.metadata.receivedAt;
  if (receivedAt < selection.from.getTime() || receivedAt >= selection.to.getTime()) return false;
  if (selection.source && webhook.source !== selection.source) return false;
  return !selection.topic || webhook.topic === selection.topic;
}

/**
 * The archive partitions to read: for delivery ids, only the partitions their keys hash to (the
 * archive is keyed by delivery id); for a time range, the offsets Kafka finds for its ends.
 */
async function archiveRanges(admin: Admin, archiveTopic: string, selection: WebhookSelection): Promise<PartitionRange[]> {
  const marks = await topicWatermarks(admin, archiveTopic);
  if ('deliveryIds' in selection) {
    const partitionFor = Partitioners.DefaultPartitioner();
    const partitionMetadata = marks.map(({ partition }) => ({
      partitionId: partition,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    const wanted = new Set(
      selection.deliveryIds.map((deliveryId) =>
        partitionFor({ topic: archiveTopic, partitionMetadata, message: { key: deliveryId, value: null } }),
      ),
    );
    return marks
      .filter(({ partition }) => wanted.has(partition))
      .map(({ partition, low, high }) => ({ topic: archiveTopic, partition, from: low, to: high }));
  }
  const starts = new Map(
    (await admin.fetchTopicOffsetsByTimestamp(archiveTopic, selection.from.getTime())).map(({ partition, offset }) => [
      partition,
      BigInt(offset),
    ]),
  );
  const ends = new Map(
    (await admin.fetchTopicOffsetsByTimestamp(archiveTopic, selection.to.getTime())).map(({ partition, offset }) => [
      partition,
      BigInt(offset),
    ]),
  );
  return marks.map(({ partition, low, high }) => {
    const from = [starts.get(partition) ?? BigInt(low), BigInt(low)].reduce((a, b) => (a > b ? a : b));
    const to = [ends.get(partition) ?? BigInt(high), BigInt(high)].reduce((a, b) => (a < b ? a : b));
    return { topic: archiveTopic, partition, from: from.toString(), to: (to < from ? from : to).toString() };
  });
}

/** Finds archived deliveries, once each (the first archived copy), in arrival order. */
export async function findArchivedWebhooks(
  deps: { kafka: Kafka; admin: Admin; codec: EventCodec; progress: ProgressFactory },
  selection: WebhookSelection,
  archiveTopic: string = topics.webhooksRaw.name,
): Promise<ArchiveSearch> {
  const ranges = await archiveRanges(deps.admin, archiveTopic, selection);
  const progress = deps.progress('reading the webhook archive', recordCount(ranges));
  const found = new Map<string, ArchivedWebhook & { at: number }>();
  const undecodable: RecordPosition[] = [];
  let scanned = 0;
  await readRanges(deps.kafka, ranges, async (record) => {
    scanned += 1;
    progress.advance();
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    let webhook: RawWebhookArchived;
    try {
      webhook = (await deps.codec.decode<RawWebhookArchived>(record.value)).value;
    } catch {
      undecodable.push(position);
      return;
    }
    const identity = `${webhook.source}:${webhook.deliveryId}`;
    if (!matchesSelection(webhook, selection) || found.has(identity)) return;
    found.set(identity, {
      source: webhook.source,
      deliveryId: webhook.deliveryId,
      topic: webhook.topic,
      tenantId: webhook.metadata.tenantId,
      receivedAt: new Date(webhook.metadata.receivedAt).toISOString(),
      headers: { ...webhook.headers },
      bodyBase64: Buffer.from(webhook.body).toString('base64'),
      archivedAt: position,
      at: webhook.metadata.receivedAt,
    });
  });
  progress.finish();
  const archived = [...found.values()]
    .sort((a, b) => a.at - b.at || a.deliveryId.localeCompare(b.deliveryId))
    .map(({ at: _at, ...webhook }) => webhook);
  const missing =
    'deliveryIds' in selection ? selection.deliveryIds.filter((id) => !archived.some((webhook) => webhook.deliveryId === id)) : [];
  return { archived, scanned, undecodable, missing };
}

/** Asks the gateway to replay archived deliveries by their place in the archive; its result for each, in order. */
export async function replayArchived(
  http: AdminClient,
  positions: ReadonlyArray<{ partition: number; offset: string }>,
): Promise<ReplayResult[]> {
  const { body } = await http.request<{ results?: ReplayResult[] }>('gateway', 'POST', '/admin/webhooks/replay', {
    body: { archived: positions },
    timeoutMs: 120_000,
  });
  if (!Array.isArray(body?.results))
    throw new PlatformError('the gateway answered the replay without results', {
      code: 'operations.bad_replay_answer',
      category: 'invalid',
    });
  return body.results;
}

export interface WebhookReplayRequest {
  selection: WebhookSelection;
  dryRun?: boolean;
  batchSize?: number;
  archiveTopic?: string;
}

type ReplayOutcome = {
  found: number;
  scanned: number;
  undecodable: RecordPosition[];
  missing: string[];
  deliveries: Array<Pick<ArchivedWebhook, 'source' | 'deliveryId' | 'topic' | 'tenantId' | 'receivedAt' | 'archivedAt'>>;
  results: ReplayResult[];
  failed: number;
};

/** What a replay is about to send through the gateway, for the operator to confirm: the outcome before any result. */
export type ReplayPlan = Omit<ReplayOutcome, 'results' | 'failed'>;

function replayPlan(search: ArchiveSearch): ReplayPlan {
  const deliveries = search.archived.map(({ source, deliveryId, topic, tenantId, receivedAt, archivedAt }) => ({
    source,
    deliveryId,
    topic,
    tenantId,
    receivedAt,
    archivedAt,
  }));
  return { found: search.archived.length, scanned: search.scanned, undecodable: search.undecodable, missing: search.missing, deliveries };
}

/**
 * Re-injects archived deliveries through the gateway's mapping path (`POST /admin/webhooks/replay`)
 * in batches. The gateway is given where each delivery is in the archive and reads it there itself:
 * no body leaves this tool. Event ids come from the deliveries, so a replay of what was already
 * processed produces repeats that every consumer absorbs. Asks `confirm`, when given, with what it
 * found before replaying any of it; a dry run asks nothing.
 */
export async function replayWebhooks(
  deps: {
    kafka: Kafka;
    admin: Admin;
    codec: EventCodec;
    http: AdminClient;
    database: DataSource;
    actor: string;
    progress: ProgressFactory;
    confirm?: (plan: ReplayPlan) => Promise<boolean>;
  },
  request: WebhookReplayRequest,
): Promise<ReplayOutcome> {
  const selection = request.selection;
  const parameters =
    'deliveryIds' in selection
      ? { deliveryIds: selection.deliveryIds }
      : { from: selection.from.toISOString(), to: selection.to.toISOString(), source: selection.source, topic: selection.topic };
  const action = { actor: deps.actor, action: 'webhooks.replay', parameters: { ...parameters, archiveTopic: request.archiveTopic } };
  if (request.dryRun) {
    return audited(deps.database, { ...action, dryRun: true }, async () => ({
      ...replayPlan(await findArchivedWebhooks(deps, selection, request.archiveTopic)),
      results: [],
      failed: 0,
    }));
  }
  const startedAt = new Date();
  let search: ArchiveSearch;
  try {
    search = await findArchivedWebhooks(deps, selection, request.archiveTopic);
  } catch (error) {
    // Audited as the replay's failure, as it would be had the search run inside it.
    await recordOperatorAction(deps.database, { ...action, outcome: 'failed', error: (error as Error).message, startedAt });
    throw error;
  }
  const plan = replayPlan(search);
  if (plan.found > 0 && deps.confirm && !(await deps.confirm(plan))) {
    await recordOperatorAction(deps.database, { ...action, outcome: 'refused', error: 'not confirmed by the operator', startedAt });
    throw new PlatformError('refused: not confirmed by the operator', { code: 'operations.refused', category: 'invalid' });
  }
  return audited(deps.database, action, async () => {
    const results: ReplayResult[] = [];
    const progress = deps.progress('replaying webhooks', search.archived.length);
    const batchSize = request.batchSize ?? 50;
    for (let start = 0; start < search.archived.length; start += batchSize) {
      const batch = search.archived
        .slice(start, start + batchSize)
        .map(({ archivedAt }) => ({ partition: archivedAt.partition, offset: archivedAt.offset }));
      results.push(...(await replayArchived(deps.http, batch)));
      progress.advance(batch.length);
    }
    progress.finish();
    return { ...plan, results, failed: results.filter((result) => result.status !== 'published').length };
  });
}
