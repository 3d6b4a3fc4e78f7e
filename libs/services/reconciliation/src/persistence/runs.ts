import { DataSource, EntityManager } from 'typeorm';
import { isoTimeSql } from '@consign/database';
import { discrepancyIdOf, DiscrepancyKind, discrepancyKinds, FoundDiscrepancy } from '../domain/discrepancies';

export type RunTrigger = 'schedule' | 'cli' | 'http';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface ReconciliationRun {
  id: string;
  tenantId: string;
  windowFrom: string;
  windowTo: string;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  error: string | null;
  /** Discrepancies found, per kind (every kind listed, zero included). */
  counts: Record<DiscrepancyKind, number>;
  trigger: RunTrigger;
  actor: string;
}

export interface Discrepancy extends FoundDiscrepancy {
  id: string;
  runId: string;
  repairedAt: string | null;
  repairEventIds: string[];
}

export interface RunWithDiscrepancies extends ReconciliationRun {
  discrepancies: Discrepancy[];
}

type Target = DataSource | EntityManager;

const runColumns = `id, tenant_id AS "tenantId", ${isoTimeSql('window_from')} AS "windowFrom", ${isoTimeSql('window_to')} AS "windowTo",
  ${isoTimeSql('started_at')} AS "startedAt", ${isoTimeSql('finished_at')} AS "finishedAt", status, error, counts, trigger, actor`;

const discrepancyColumns = `id, run_id AS "runId", kind, subject_id AS "subjectId", shopify_value AS "shopifyValue", local_value AS "localValue",
  repairable, not_repairable_reason AS "notRepairableReason", ${isoTimeSql('repaired_at')} AS "repairedAt", repair_event_ids AS "repairEventIds"`;

export function emptyCounts(): Record<DiscrepancyKind, number> {
  return Object.fromEntries(discrepancyKinds.map((kind) => [kind, 0])) as Record<DiscrepancyKind, number>;
}

export async function startRun(
  target: Target,
  run: { id: string; tenantId: string; from: Date; to: Date; startedAt: Date; trigger: RunTrigger; actor: string },
): Promise<void> {
  await target.query(
    `INSERT INTO reconciliation_runs (id, tenant_id, window_from, window_to, started_at, status, counts, trigger, actor)
     VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8)`,
    [run.id, run.tenantId, run.from, run.to, run.startedAt, JSON.stringify(emptyCounts()), run.trigger, run.actor],
  );
}

/** Stores what a run found and closes it, together. */
export async function completeRun(dataSource: DataSource, runId: string, found: FoundDiscrepancy[], finishedAt: Date): Promise<void> {
  const counts = emptyCounts();
  for (const discrepancy of found) counts[discrepancy.kind] += 1;
  await dataSource.transaction(async (manager) => {
    for (const discrepancy of found) {
      await manager.query(
        `INSERT INTO reconciliation_discrepancies (id, run_id, kind, subject_id, shopify_value, local_value, repairable, not_repairable_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          discrepancyIdOf(runId, discrepancy.kind, discrepancy.subjectId),
          runId,
          discrepancy.kind,
          discrepancy.subjectId,
          JSON.stringify(discrepancy.shopifyValue),
          discrepancy.localValue === null ? null : JSON.stringify(discrepancy.localValue),
          discrepancy.repairable,
          discrepancy.notRepairableReason,
        ],
      );
    }
    await manager.query(`UPDATE reconciliation_runs SET status = 'succeeded', finished_at = $2, counts = $3 WHERE id = $1`, [
      runId,
      finishedAt,
      JSON.stringify(counts),
    ]);
  });
}

export async function failRun(target: Target, runId: string, error: string, finishedAt: Date): Promise<void> {
  await target.query(`UPDATE reconciliation_runs SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [
    runId,
    finishedAt,
    error,
  ]);
}

/** Runs, newest first, of one tenant when given. */
export async function listRuns(target: Target, query: { tenantId?: string; limit?: number } = {}): Promise<ReconciliationRun[]> {
  return target.query(
    `SELECT ${runColumns} FROM reconciliation_runs WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY started_at DESC, id LIMIT $2`,
    [query.tenantId ?? null, query.limit ?? 50],
  );
}

export async function findRun(target: Target, runId: string): Promise<RunWithDiscrepancies | undefined> {
  const [run]: ReconciliationRun[] = await target.query(`SELECT ${runColumns} FROM reconciliation_runs WHERE id = $1`, [runId]);
  if (run === undefined) return undefined;
  const discrepancies: Discrepancy[] = await target.query(
    `SELECT ${discrepancyColumns} FROM reconciliation_discrepancies WHERE run_id = $1 ORDER BY kind, subject_id`,
    [runId],
  );
  return { ...run, discrepancies };
}

/** The run's discrepancies chosen by id or by kind, locked against a concurrent repair. */
export async function lockDiscrepancies(
  manager: EntityManager,
  runId: string,
  choice: { discrepancyIds?: string[]; kind?: DiscrepancyKind },
): Promise<Discrepancy[]> {
  return manager.query(
    `SELECT ${discrepancyColumns} FROM reconciliation_discrepancies
     WHERE run_id = $1 AND ($2::text[] IS NULL OR id = ANY($2)) AND ($3::text IS NULL OR kind = $3)
     ORDER BY kind, subject_id FOR UPDATE`,
    [runId, choice.discrepancyIds ?? null, choice.kind ?? null],
  );
}

export async function markRepaired(manager: EntityManager, discrepancyId: string, eventIds: string[], repairedAt: Date): Promise<void> {
  await manager.query('UPDATE reconciliation_discrepancies SET repaired_at = $2, repair_event_ids = $3 WHERE id = $1', [
    discrepancyId,
    repairedAt,
    eventIds,
  ]);
}
