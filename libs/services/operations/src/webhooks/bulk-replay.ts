import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { topics } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { audited, recordOperatorAction } from '../audit/operator-actions';
import { AdminClient } from '../http/admin-client';
import { ProgressFactory } from '../progress/progress';
import { HistoryDelivery, HistorySearch, searchDeliveryHistory } from '../status/delivery-history';
import { replayArchived, ReplayResult } from './webhook-replay';

/** One delivery a bulk replay sends again: where the gateway archived it. */
export interface ReplayTarget {
  deliveryId: string | null;
  source: string;
  topic: string | null;
  tenantId: string | null;
  receivedAt: string;
  partition: number;
  offset: string;
}

/** Deliveries the search matched that cannot be replayed, and why. */
export interface NotReplayable {
  deliveryId: string | null;
  outcome: HistoryDelivery['outcome'];
  reason: string;
}

export interface BulkReplayPlan {
  targets: ReplayTarget[];
  notReplayable: NotReplayable[];
}

export interface BulkReplayJob {
  id: string;
  actor: string;
  search: SerializedSearch;
  ratePerSecond: number;
  total: number;
  nextIndex: number;
  replayed: number;
  failed: number;
  status: 'running' | 'interrupted' | 'finished';
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface BulkReplayOutcome extends Record<string, unknown> {
  job: BulkReplayJob;
  notReplayable: NotReplayable[];
  /** What this run replays (or, dry, would): a resumed job's remaining deliveries. */
  targets: ReplayTarget[];
  /** This run's results; a resumed job's earlier runs are in its counts. */
  results: ReplayResult[];
}

type SerializedSearch = Omit<HistorySearch, 'from' | 'to' | 'cursor' | 'limit'> & { from?: string; to?: string };

export interface BulkReplayDependencies {
  http: AdminClient;
  database: DataSource;
  actor: string;
  progress: ProgressFactory;
  /** Asked with the plan (or a resumed job's remaining deliveries) before anything is replayed. */
  confirm?: (plan: { job: BulkReplayJob; targets: ReplayTarget[]; notReplayable: NotReplayable[] }) => Promise<boolean>;
  /** Told the job's id as soon as it is stored, so an interrupted operator knows what to resume. */
  onJobStarted?: (job: BulkReplayJob) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type BulkReplayRequest =
  { search: HistorySearch; ratePerSecond: number; dryRun?: boolean; archiveTopic?: string } | { resumeJobId: string };

const historyPageSize = 500;
/** The gateway takes up to 500 positions a request; smaller batches keep the throttle smooth and a lost batch small. */
const maxBatch = 50;

/**
 * Every delivery the history search matched that the gateway archived, oldest first, once each:
 * refused deliveries and repeats were never archived, and one still in the spool is not yet.
 */
export async function planBulkReplay(
  deps: Pick<BulkReplayDependencies, 'http' | 'progress'>,
  search: HistorySearch,
  archiveTopic: string = topics.webhooksRaw.name,
): Promise<BulkReplayPlan> {
  const progress = deps.progress('searching the delivery history');
  const targets = new Map<string, ReplayTarget>();
  const notReplayable: NotReplayable[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchDeliveryHistory(deps.http, { ...search, limit: historyPageSize, cursor });
    for (const entry of page.deliveries) {
      progress.advance();
      if (entry.outcome === 'rejected' || entry.outcome === 'duplicate') {
        notReplayable.push({
          deliveryId: entry.deliveryId,
          outcome: entry.outcome,
          reason:
            entry.outcome === 'rejected'
              ? `refused (${entry.reason ?? 'no reason'}): never archived`
              : 'a repeat: its first delivery is the one archived',
        });
        continue;
      }
      const archived = entry.publishedTo?.find((record) => record.topic === archiveTopic);
      if (!archived) {
        notReplayable.push({
          deliveryId: entry.deliveryId,
          outcome: entry.outcome,
          reason: entry.outcome === 'spooled' ? 'still in the gateway spool: not on Kafka yet' : `no record in ${archiveTopic}`,
        });
        continue;
      }
      const key = `${archived.partition}:${archived.offset}`;
      if (!targets.has(key)) {
        targets.set(key, {
          deliveryId: entry.deliveryId,
          source: entry.source,
          topic: entry.topic,
          tenantId: entry.tenantId,
          receivedAt: entry.receivedAt,
          partition: archived.partition,
          offset: String(archived.offset),
        });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  progress.finish();
  return { targets: [...targets.values()].reverse(), notReplayable };
}

/** The filters as the job stores them: a job pages through the whole search, so no page of it. */
function serialize({ from, to, source, tenant, topic, outcome, reason, subject, deliveryId }: HistorySearch): SerializedSearch {
  const filters = { source, tenant, topic, outcome, reason, subject, deliveryId, from: from?.toISOString(), to: to?.toISOString() };
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
}

function toJob(row: Record<string, unknown>): BulkReplayJob {
  return {
    id: String(row.id),
    actor: String(row.actor),
    search: row.search as SerializedSearch,
    ratePerSecond: Number(row.rate_per_second),
    total: (row.positions as unknown[]).length,
    nextIndex: Number(row.next_index),
    replayed: Number(row.replayed),
    failed: Number(row.failed),
    status: row.status as BulkReplayJob['status'],
    lastError: (row.last_error as string | null) ?? null,
    createdAt: new Date(row.created_at as string).toISOString(),
    updatedAt: new Date(row.updated_at as string).toISOString(),
  };
}

async function loadJob(database: DataSource, id: string): Promise<{ job: BulkReplayJob; targets: ReplayTarget[] }> {
  const rows = /^[0-9a-f-]{36}$/i.test(id)
    ? ((await database.query('SELECT * FROM webhook_replay_jobs WHERE id = $1', [id])) as Array<Record<string, unknown>>)
    : [];
  if (rows.length === 0) throw new PlatformError(`no replay job ${id}`, { code: 'operations.replay_job_not_found', category: 'invalid' });
  return { job: toJob(rows[0]), targets: rows[0].positions as ReplayTarget[] };
}

/** The replay jobs, newest first: what is left of an interrupted one, and how each ended. */
export async function listBulkReplayJobs(database: DataSource, limit = 20): Promise<BulkReplayJob[]> {
  const rows = (await database.query('SELECT * FROM webhook_replay_jobs ORDER BY created_at DESC LIMIT $1', [limit])) as Array<
    Record<string, unknown>
  >;
  return rows.map(toJob);
}

/**
 * Replays every archived delivery a delivery-history search matched, through the gateway
 * (`POST /admin/webhooks/replay`), oldest first, at most `ratePerSecond`. The job and how far it
 * got are stored after every batch: an interrupted replay (a lost gateway, Ctrl-C) resumes with its
 * id, repeating at most the batch in flight, which consumers absorb as a repeat (same event ids).
 */
export async function runBulkReplay(deps: BulkReplayDependencies, request: BulkReplayRequest): Promise<BulkReplayOutcome> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  let job: BulkReplayJob;
  let targets: ReplayTarget[];
  let notReplayable: NotReplayable[] = [];
  if ('resumeJobId' in request) {
    ({ job, targets } = await loadJob(deps.database, request.resumeJobId));
    if (job.status === 'finished')
      throw new PlatformError(`replay job ${job.id} has finished: nothing to resume`, {
        code: 'operations.replay_job_finished',
        category: 'invalid',
      });
  } else {
    if (!(request.ratePerSecond > 0))
      throw new PlatformError('the replay rate must be above 0 per second', { code: 'operations.invalid_rate', category: 'invalid' });
    const plan = await planBulkReplay(deps, request.search, request.archiveTopic);
    ({ targets, notReplayable } = plan);
    const search = serialize(request.search);
    const draft: BulkReplayJob = {
      id: randomUUID(),
      actor: deps.actor,
      search,
      ratePerSecond: request.ratePerSecond,
      total: targets.length,
      nextIndex: 0,
      replayed: 0,
      failed: 0,
      status: 'running',
      lastError: null,
      createdAt: new Date(now()).toISOString(),
      updatedAt: new Date(now()).toISOString(),
    };
    if (request.dryRun) {
      return audited(
        deps.database,
        { actor: deps.actor, action: 'deliveries.replay', parameters: { search, ratePerSecond: request.ratePerSecond }, dryRun: true },
        async () => ({ job: { ...draft, status: 'finished' }, notReplayable, results: [], targets }),
      );
    }
    job = draft;
  }
  const remaining = targets.slice(job.nextIndex);
  const action = {
    actor: deps.actor,
    action: 'deliveries.replay',
    parameters: {
      job: job.id,
      search: job.search,
      ratePerSecond: job.ratePerSecond,
      resumedAt: 'resumeJobId' in request ? job.nextIndex : undefined,
    },
  };
  if (remaining.length > 0 && deps.confirm && !(await deps.confirm({ job, targets: remaining, notReplayable }))) {
    await recordOperatorAction(deps.database, {
      ...action,
      outcome: 'refused',
      error: 'not confirmed by the operator',
      startedAt: new Date(now()),
    });
    throw new PlatformError('refused: not confirmed by the operator', { code: 'operations.refused', category: 'invalid' });
  }
  if (!('resumeJobId' in request)) {
    await deps.database.query(
      `INSERT INTO webhook_replay_jobs (id, actor, search, positions, rate_per_second, status) VALUES ($1, $2, $3, $4, $5, 'running')`,
      [job.id, job.actor, JSON.stringify(job.search), JSON.stringify(targets), job.ratePerSecond],
    );
  } else {
    await deps.database.query(`UPDATE webhook_replay_jobs SET status = 'running', last_error = NULL, updated_at = now() WHERE id = $1`, [
      job.id,
    ]);
  }
  deps.onJobStarted?.(job);
  return audited(deps.database, action, async () => {
    const results: ReplayResult[] = [];
    const progress = deps.progress(`replay job ${job.id}`, remaining.length);
    const batchSize = Math.max(1, Math.min(maxBatch, Math.floor(job.ratePerSecond)));
    const startedAt = now();
    let sent = 0;
    for (let start = 0; start < remaining.length; start += batchSize) {
      const batch = remaining.slice(start, start + batchSize);
      // The throttle: this batch may start once the ones before it fit the rate.
      const due = startedAt + (sent / job.ratePerSecond) * 1000;
      if (due > now()) await sleep(due - now());
      let answered: ReplayResult[];
      try {
        answered = await replayArchived(
          deps.http,
          batch.map(({ partition, offset }) => ({ partition, offset })),
        );
      } catch (error) {
        await deps.database.query(
          `UPDATE webhook_replay_jobs SET status = 'interrupted', last_error = $2, updated_at = now() WHERE id = $1`,
          [job.id, (error as Error).message],
        );
        throw new PlatformError(
          `replay job ${job.id} stopped after ${job.nextIndex} of ${job.total}: ${(error as Error).message}; resume it with --resume ${job.id}`,
          {
            code: 'operations.replay_interrupted',
            category: 'dependency',
            cause: error,
            details: { job: job.id },
          },
        );
      }
      const failed = answered.filter((result) => result.status !== 'published').length;
      results.push(...answered);
      sent += batch.length;
      job = {
        ...job,
        nextIndex: job.nextIndex + batch.length,
        replayed: job.replayed + answered.length - failed,
        failed: job.failed + failed,
      };
      await deps.database.query(
        `UPDATE webhook_replay_jobs SET next_index = $2, replayed = $3, failed = $4, updated_at = now() WHERE id = $1`,
        [job.id, job.nextIndex, job.replayed, job.failed],
      );
      progress.advance(batch.length);
    }
    progress.finish();
    await deps.database.query(`UPDATE webhook_replay_jobs SET status = 'finished', updated_at = now() WHERE id = $1`, [job.id]);
    job = { ...job, status: 'finished' };
    return { job, notReplayable, targets: remaining, results };
  });
}
