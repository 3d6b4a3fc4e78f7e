import { DataSource, EntityManager } from 'typeorm';
import { OperatorActionRecorded } from '@consign/contracts';

export type ActionOutcome = 'succeeded' | 'failed' | 'dry_run' | 'refused';

export interface OperatorAction {
  /** Who: the operator's identity (`--as`, OPERATOR, the login name) or, through an app's API, `api-key:<key name>`. */
  actor: string;
  /** What, as `<area>.<verb>`: `offsets.reset`, `deadletters.redrive`, `reconciliation.repair`. */
  action: string;
  parameters: Record<string, unknown>;
  outcome: ActionOutcome;
  result?: Record<string, unknown>;
  error?: string;
  startedAt: Date;
  /** When it ended; now unless told (an app's admin call arrives after the fact). */
  finishedAt?: Date;
  /** Which app served it: `ops-cli` unless told. */
  app?: string;
  /** The audit event a row of another app's call came from: recorded once, however often it is delivered. */
  sourceEventId?: string;
}

export interface RecordedAction extends Omit<OperatorAction, 'sourceEventId'> {
  id: string;
  app: string;
  finishedAt: Date;
}

/**
 * Appends one action to the audit log (in the caller's transaction when given a manager). Undefined
 * when the audit event it came from is recorded already.
 */
export async function recordOperatorAction(target: DataSource | EntityManager, action: OperatorAction): Promise<string | undefined> {
  const rows = (await target.query(
    `INSERT INTO operator_actions (actor, action, parameters, outcome, result, error, started_at, finished_at, app, source_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()), $9, $10)
     ON CONFLICT (source_event_id) DO NOTHING
     RETURNING id::text AS id`,
    [
      action.actor,
      action.action,
      JSON.stringify(action.parameters),
      action.outcome,
      action.result ? JSON.stringify(action.result) : null,
      action.error ?? null,
      action.startedAt,
      action.finishedAt ?? null,
      action.app ?? 'ops-cli',
      action.sourceEventId ?? null,
    ],
  )) as Array<{ id: string }>;
  return rows[0]?.id;
}

/** An app's admin call (an `operations.action.recorded` event) into the audit log, once. */
export async function recordAdminCall(target: DataSource | EntityManager, call: OperatorActionRecorded): Promise<void> {
  await recordOperatorAction(target, {
    actor: call.actor,
    action: call.action,
    parameters: JSON.parse(call.parameters) as Record<string, unknown>,
    outcome: call.outcome === 'other' ? 'failed' : call.outcome,
    result: { status: call.status },
    error: call.error ?? undefined,
    startedAt: new Date(call.startedAt),
    finishedAt: new Date(call.finishedAt),
    app: call.app,
    sourceEventId: call.metadata.eventId,
  });
}

export interface AuditQuery {
  actor?: string;
  /** An exact action or a prefix ending in `.` or `/`: `deadletters.` matches every dead-letter action, `POST /admin/` every admin POST. */
  action?: string;
  since?: Date;
  limit?: number;
}

/** The audit log, newest first. */
export async function listOperatorActions(target: DataSource | EntityManager, query: AuditQuery = {}): Promise<RecordedAction[]> {
  const rows = (await target.query(
    `SELECT id::text AS id, app, actor, action, parameters, outcome, result, error, started_at AS "startedAt", finished_at AS "finishedAt"
     FROM operator_actions
     WHERE ($1::text IS NULL OR actor = $1)
       AND ($2::text IS NULL OR action = $2 OR (right($2, 1) IN ('.', '/') AND action LIKE $2 || '%'))
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
    await recordOperatorAction(target, {
      actor: action.actor,
      action: action.action,
      parameters: action.parameters,
      outcome: action.dryRun ? 'dry_run' : 'succeeded',
      result,
      startedAt,
    });
    return result;
  } catch (error) {
    await recordOperatorAction(target, {
      actor: action.actor,
      action: action.action,
      parameters: action.parameters,
      outcome: 'failed',
      error: (error as Error).message,
      startedAt,
    });
    throw error;
  }
}
