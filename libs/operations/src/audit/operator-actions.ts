import { DataSource, EntityManager } from 'typeorm';

export type ActionOutcome = 'succeeded' | 'failed' | 'dry_run' | 'refused';

export interface OperatorAction {
  /** Who: the operator's identity (`--as`, OPERATOR, the login name) or `api-key:<fingerprint>`. */
  actor: string;
  /** What, as `<area>.<verb>`: `offsets.reset`, `deadletters.redrive`, `reconciliation.repair`. */
  action: string;
  parameters: Record<string, unknown>;
  outcome: ActionOutcome;
  result?: Record<string, unknown>;
  error?: string;
  startedAt: Date;
}

export interface RecordedAction extends OperatorAction {
  id: string;
  finishedAt: Date;
}

/** Appends one action to the audit log (in the caller's transaction when given a manager). */
export async function recordOperatorAction(target: DataSource | EntityManager, action: OperatorAction): Promise<string> {
  const [{ id }] = (await target.query(
    `INSERT INTO operator_actions (actor, action, parameters, outcome, result, error, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
    [action.actor, action.action, JSON.stringify(action.parameters), action.outcome, action.result ? JSON.stringify(action.result) : null, action.error ?? null, action.startedAt],
  )) as Array<{ id: string }>;
  return id;
}

export interface AuditQuery {
  actor?: string;
  /** An exact action or a prefix ending in `.`: `deadletters.` matches every dead-letter action. */
  action?: string;
  since?: Date;
  limit?: number;
}

/** The audit log, newest first. */
export async function listOperatorActions(target: DataSource | EntityManager, query: AuditQuery = {}): Promise<RecordedAction[]> {
  const rows = (await target.query(
    `SELECT id::text AS id, actor, action, parameters, outcome, result, error, started_at AS "startedAt", finished_at AS "finishedAt"
     FROM operator_actions
     WHERE ($1::text IS NULL OR actor = $1)
       AND ($2::text IS NULL OR action = $2 OR (right($2, 1) = '.' AND action LIKE $2 || '%'))
       AND ($3::timestamptz IS NULL OR started_at >= $3)
     ORDER BY operator_actions.id DESC
     LIMIT $4`,
    [query.actor ?? null, query.action ?? null, query.since ?? null, query.limit ?? 100],
  )) as Array<Omit<RecordedAction, 'result' | 'error'> & { result: Record<string, unknown> | null; error: string | null }>;
  return rows.map((row) => ({ ...row, result: row.result ?? undefined, error: row.error ?? undefined }));
}

/**
 * Runs an operator action and records it whatever happens: succeeded with its result, or failed
 * with the error (which is then rethrown). A dry run is recorded as such.
 */
export async function audited<TResult extends Record<string, unknown>>(
  target: DataSource,
  action: Pick<OperatorAction, 'actor' | 'action' | 'parameters'> & { dryRun?: boolean },
  run: () => Promise<TResult>,
): Promise<TResult> {
  const startedAt = new Date();
  try {
    const result = await run();
    await recordOperatorAction(target, { actor: action.actor, action: action.action, parameters: action.parameters, outcome: action.dryRun ? 'dry_run' : 'succeeded', result, startedAt });
    return result;
  } catch (error) {
    await recordOperatorAction(target, { actor: action.actor, action: action.action, parameters: action.parameters, outcome: 'failed', error: (error as Error).message, startedAt });
    throw error;
  }
}
