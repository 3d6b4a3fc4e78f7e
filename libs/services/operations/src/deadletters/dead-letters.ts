import { Admin, Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deadLetterTopic, retryTopic } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec } from '@consign/kafka';
import { audited, recordOperatorAction } from '../audit/operator-actions';
import { PartitionRange, provisionTopics, readOneRecord, readRanges, recordCount, topicWatermarks } from '@consign/kafka';
import { ProgressFactory } from '../progress/progress';
import {
  bytesPreview,
  DeadLetter,
  deadLetterFrom,
  DeadLetterFilter,
  isDeadLetterTopic,
  matchesFilter,
  parsePosition,
  plainValue,
  RecordPosition,
  redriveHeaders,
} from './dead-letter';
import { lockDeadLetter, recordRedrive, Redrive, redrivesOf } from './redrive-log';

export interface DeadLetterSelection extends DeadLetterFilter {
  /** One consumer group's dead letters (a service's default group is the service name); all groups when unset. */
  group?: string;
  /** The newest this many; 100 by default. */
  limit?: number;
}

export interface DeadLetterReading {
  kafka: Kafka;
  admin: Admin;
  database: DataSource;
  progress: ProgressFactory;
}

export interface ListedDeadLetter extends DeadLetter {
  redrives: Redrive[];
}

/** Every dead-letter topic, or the one of a group. */
export async function deadLetterTopics(admin: Admin, group?: string): Promise<string[]> {
  const existing = await admin.listTopics();
  if (group !== undefined) {
    const topic = deadLetterTopic(group).name;
    if (!existing.includes(topic))
      throw new PlatformError(`group ${group} has no dead-letter topic (${topic})`, {
        code: 'operations.no_dead_letter_topic',
        category: 'invalid',
      });
    return [topic];
  }
  return existing.filter(isDeadLetterTopic).sort();
}

async function rangesSince(admin: Admin, topic: string, since: Date | undefined): Promise<PartitionRange[]> {
  const marks = await topicWatermarks(admin, topic);
  const starts = since
    ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime())).map(({ partition, offset }) => [partition, offset]))
    : new Map<number, string>();
  return marks.map(({ partition, low, high }) => {
    const start = starts.get(partition);
    return { topic, partition, from: start !== undefined && BigInt(start) > BigInt(low) ? start : low, to: high };
  });
}

/** Reads the selected dead-letter topics (from `since` on), filters, and returns the newest `limit`, oldest first. */
export async function listDeadLetters(
  deps: DeadLetterReading,
  selection: DeadLetterSelection = {},
): Promise<{ deadLetters: ListedDeadLetter[]; scanned: number; matched: number }> {
  const topics = await deadLetterTopics(deps.admin, selection.group);
  const ranges = (await Promise.all(topics.map((topic) => rangesSince(deps.admin, topic, selection.since)))).flat();
  const progress = deps.progress('reading dead letters', recordCount(ranges));
  const matched: DeadLetter[] = [];
  let scanned = 0;
  await readRanges(deps.kafka, ranges, (record) => {
    scanned += 1;
    progress.advance();
    const deadLetter = deadLetterFrom(record);
    if (matchesFilter(deadLetter, selection)) matched.push(deadLetter);
  });
  progress.finish();
  matched.sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt) || a.id.localeCompare(b.id));
  const newest = matched.slice(-(selection.limit ?? 100));
  const redrives = await redrivesOf(
    deps.database,
    newest.map((deadLetter) => deadLetter.id),
  );
  return {
    deadLetters: newest.map((deadLetter) => ({ ...deadLetter, redrives: redrives.get(deadLetter.id) ?? [] })),
    scanned,
    matched: matched.length,
  };
}

export interface ShownDeadLetter extends ListedDeadLetter {
  payload:
    { decoded: true; schemaId: number; value: unknown } | { decoded: false; error: string; preview: ReturnType<typeof bytesPreview> };
}

async function readDeadLetter(
  kafka: Kafka,
  admin: Admin,
  id: string,
): Promise<{ deadLetter: DeadLetter; value: Buffer | null; key: Buffer | null }> {
  const position = parsePosition(id);
  if (!isDeadLetterTopic(position.topic))
    throw new PlatformError(`${position.topic} is not a dead-letter topic (deadletter.<group>.v1)`, {
      code: 'operations.not_dead_letter',
      category: 'invalid',
    });
  const record = await readOneRecord(kafka, admin, position.topic, position.partition, position.offset);
  return { deadLetter: deadLetterFrom(record), value: record.value, key: record.key };
}

/** One dead letter with its payload decoded, or a preview of the bytes when they are poison. */
export async function showDeadLetter(
  deps: { kafka: Kafka; admin: Admin; codec: EventCodec; database: DataSource },
  id: string,
): Promise<ShownDeadLetter> {
  const { deadLetter, value } = await readDeadLetter(deps.kafka, deps.admin, id);
  const redrives = (await redrivesOf(deps.database, [deadLetter.id])).get(deadLetter.id) ?? [];
  try {
    const decoded = await deps.codec.decode(value);
    return { ...deadLetter, redrives, payload: { decoded: true, schemaId: decoded.schemaId, value: plainValue(decoded.value) } };
  } catch (error) {
    return { ...deadLetter, redrives, payload: { decoded: false, error: (error as Error).message, preview: bytesPreview(value) } };
  }
}

export interface RedriveRequest {
  /** Dead letters by id; or `all` with a selection. */
  ids?: string[];
  all?: DeadLetterSelection;
  dryRun?: boolean;
  /** Redrive even dead letters that were redriven before. */
  force?: boolean;
}

export interface RedriveResult {
  id: string;
  status: 'redriven' | 'would_redrive' | 'already_redriven';
  original: RecordPosition;
  redrivenTo?: RecordPosition;
  previous?: Redrive[];
}

/** What a redrive is about to send back, for the operator to confirm. */
export interface RedrivePlan {
  deadLetters: DeadLetter[];
  /** Selected, but skipped: redriven before, and not forced. */
  alreadyRedriven: string[];
}

/**
 * Sends dead letters back to the group that dead-lettered them, through its retry topic, with their
 * original key, value and headers (plus where they came from and who sent them), once each unless
 * forced. The other groups of the original topic never see them again. Asks `confirm`, when given,
 * with what it is about to send; a dry run asks nothing.
 */
export async function redriveDeadLetters(
  deps: DeadLetterReading & { actor: string; confirm?: (plan: RedrivePlan) => Promise<boolean> },
  request: RedriveRequest,
): Promise<{ results: RedriveResult[] }> {
  const parameters = {
    ids: request.ids,
    all: request.all ? { ...request.all, since: request.all.since?.toISOString() } : undefined,
    force: request.force ?? false,
  };
  const action = { actor: deps.actor, action: 'deadletters.redrive', parameters };
  const selected = await selectForRedrive(deps, request);
  const previous = await redrivesOf(
    deps.database,
    selected.map(({ deadLetter }) => deadLetter.id),
  );
  const blocked = request.force ? [] : selected.filter(({ deadLetter }) => previous.has(deadLetter.id));
  if (!request.dryRun && blocked.length > 0 && blocked.length === selected.length) {
    const reason = `already redriven: ${blocked.map(({ deadLetter }) => deadLetter.id).join(', ')} (use --force to redrive again)`;
    await recordOperatorAction(deps.database, { ...action, outcome: 'refused', error: reason, startedAt: new Date() });
    throw new PlatformError(`refused: ${reason}`, { code: 'operations.already_redriven', category: 'invalid' });
  }
  const alreadyRedriven = blocked.map(({ deadLetter }) => deadLetter.id);
  const skipped = new Set(alreadyRedriven);
  const toRedrive = selected.map(({ deadLetter }) => deadLetter).filter((deadLetter) => !skipped.has(deadLetter.id));
  if (!request.dryRun && toRedrive.length > 0 && deps.confirm && !(await deps.confirm({ deadLetters: toRedrive, alreadyRedriven }))) {
    await recordOperatorAction(deps.database, {
      ...action,
      outcome: 'refused',
      error: 'not confirmed by the operator',
      startedAt: new Date(),
    });
    throw new PlatformError('refused: not confirmed by the operator', { code: 'operations.refused', category: 'invalid' });
  }
  return audited(deps.database, { ...action, dryRun: request.dryRun }, async () => {
    const progress = deps.progress(request.dryRun ? 'checking dead letters' : 'redriving dead letters', selected.length);
    const producer = request.dryRun
      ? undefined
      : deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer?.connect();
    // A group's consumers make its retry topic when they start; a redrive must not wait for that.
    if (producer) await provisionTopics(deps.kafka, [...new Set(selected.map(({ deadLetter }) => deadLetter.group))].map(retryTopic));
    const results: RedriveResult[] = [];
    try {
      for (const { deadLetter, value, key } of selected) {
        const earlier = previous.get(deadLetter.id);
        if (earlier && !request.force)
          results.push({ id: deadLetter.id, status: 'already_redriven', original: deadLetter.original, previous: earlier });
        else if (!producer)
          results.push({
            id: deadLetter.id,
            status: 'would_redrive',
            original: deadLetter.original,
            ...(earlier ? { previous: earlier } : {}),
          });
        else results.push(await redriveOne(deps.database, producer, { deadLetter, value, key }, deps.actor, request.force ?? false));
        progress.advance();
      }
    } finally {
      progress.finish();
      await producer?.disconnect();
    }
    return { results };
  });
}

async function selectForRedrive(
  deps: DeadLetterReading,
  request: RedriveRequest,
): Promise<Array<{ deadLetter: DeadLetter; value: Buffer | null; key: Buffer | null }>> {
  if (request.ids && request.ids.length > 0) {
    const selected = [];
    for (const id of request.ids) selected.push(await readDeadLetter(deps.kafka, deps.admin, id));
    return selected;
  }
  if (!request.all)
    throw new PlatformError('name the dead letters to redrive, or --all', { code: 'operations.nothing_selected', category: 'invalid' });
  const { deadLetters } = await listDeadLetters(deps, { ...request.all, limit: request.all.limit ?? Number.MAX_SAFE_INTEGER });
  const selected = [];
  for (const deadLetter of deadLetters) selected.push(await readDeadLetter(deps.kafka, deps.admin, deadLetter.id));
  return selected;
}

async function redriveOne(
  database: DataSource,
  producer: Producer,
  record: { deadLetter: DeadLetter; value: Buffer | null; key: Buffer | null },
  actor: string,
  forced: boolean,
): Promise<RedriveResult> {
  const { deadLetter } = record;
  if (!deadLetter.original.topic || deadLetter.original.partition < 0) {
    throw new PlatformError(`${deadLetter.id} carries no original position (dlq.original.* headers)`, {
      code: 'operations.no_original_position',
      category: 'invalid',
    });
  }
  return database.transaction(async (manager) => {
    await lockDeadLetter(manager, deadLetter.id);
    if (!forced && (await redrivesOf(manager, [deadLetter.id])).has(deadLetter.id)) {
      return { id: deadLetter.id, status: 'already_redriven' as const, original: deadLetter.original };
    }
    // To the group's own retry topic: the original topic is read by every group, which would see the record again.
    const topic = retryTopic(deadLetter.group).name;
    const [sent] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: redriveHeaders(deadLetter, actor) }],
    });
    const redrivenTo = { topic, partition: sent.partition, offset: sent.baseOffset ?? sent.offset ?? '-1' };
    await recordRedrive(manager, { deadLetterId: deadLetter.id, original: deadLetter.original, redrivenTo, redrivenBy: actor, forced });
    return { id: deadLetter.id, status: 'redriven' as const, original: deadLetter.original, redrivenTo };
  });
}

export interface PurgePlan extends Record<string, unknown> {
  topic: string;
  partitions: Array<{ partition: number; from: string; upTo: string; records: number }>;
  total: number;
  applied: boolean;
}

/**
 * Deletes a group's dead letters before a point (an offset on every partition, or a time), all of
 * them by default. Without confirmation it only records and returns the plan.
 */
export async function purgeDeadLetters(
  deps: { admin: Admin; database: DataSource; actor: string },
  request: { group: string; before?: { offset: string } | { at: Date }; confirmed: boolean },
): Promise<PurgePlan> {
  const [topic] = await deadLetterTopics(deps.admin, request.group);
  const before = request.before;
  const parameters = {
    group: request.group,
    before: before === undefined ? 'end' : 'at' in before ? before.at.toISOString() : before.offset,
  };
  return audited(deps.database, { actor: deps.actor, action: 'deadletters.purge', parameters, dryRun: !request.confirmed }, async () => {
    const marks = await topicWatermarks(deps.admin, topic);
    const atTime =
      before && 'at' in before
        ? new Map(
            (await deps.admin.fetchTopicOffsetsByTimestamp(topic, before.at.getTime())).map(({ partition, offset }) => [
              partition,
              BigInt(offset),
            ]),
          )
        : undefined;
    const partitions = marks.map(({ partition, low, high }) => {
      const end = BigInt(high);
      const wanted = before === undefined ? end : 'offset' in before ? BigInt(before.offset) : (atTime?.get(partition) ?? end);
      const upTo = wanted < 0n || wanted > end ? end : wanted < BigInt(low) ? BigInt(low) : wanted;
      return { partition, from: low, upTo: upTo.toString(), records: Number(upTo - BigInt(low)) };
    });
    const total = partitions.reduce((sum, entry) => sum + entry.records, 0);
    const toDelete = partitions.filter((entry) => entry.records > 0);
    if (request.confirmed && toDelete.length > 0) {
      await deps.admin.deleteTopicRecords({ topic, partitions: toDelete.map(({ partition, upTo }) => ({ partition, offset: upTo })) });
    }
    return { topic, partitions, total, applied: request.confirmed };
  });
}
