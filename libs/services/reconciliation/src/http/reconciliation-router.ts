import express, { Request, RequestHandler, Router } from 'express';
import { PlatformError } from '@consign/errors';
import { ApiScope, callerOf } from '@consign/service-runtime';
import { DiscrepancyKind, discrepancyKinds } from '../domain/discrepancies';
import { findRun, listRuns } from '../persistence/runs';
import { ReconciliationDeps, runReconciliation } from '../reconcile';
import { repairDiscrepancies } from '../repair';

export interface ReconciliationRouterOptions {
  /** The internal listener's key check (`ServiceHttp.guard`). */
  guard(scope: ApiScope): RequestHandler;
  /** The window of an on-demand run given no `from` (RECONCILER_WINDOW, 24 h by default). */
  defaultWindowMs: number;
}

/**
 * The reconciler's API: results need the `read` scope; on-demand runs and repairs need `admin`
 * and are audited under the key's name.
 */
export function createReconciliationRouter(deps: ReconciliationDeps, options: ReconciliationRouterOptions): Router {
  const router = Router();
  const read = options.guard('read');
  const admin = options.guard('admin');
  // Parsed only once the key is known to be an admin's.
  const jsonBody = express.json({ limit: '64kb' });

  router.post('/runs', admin, jsonBody, async (req, res) => {
    const body = bodyOf(req);
    const tenantId = optionalString(body, 'tenantId') ?? onlyTenant(deps);
    const to = optionalTime(body, 'to') ?? (deps.now ?? (() => new Date()))();
    const from = optionalTime(body, 'from') ?? new Date(to.getTime() - options.defaultWindowMs);
    const run = await runReconciliation(deps, { tenantId, from, to, trigger: 'http', actor: callerOf(res) });
    if (run.status === 'failed') {
      throw new PlatformError(`reconciliation run ${run.id} failed: ${run.error}`, {
        code: 'reconciliation.run_failed',
        category: 'dependency',
        httpStatus: 503,
        details: { runId: run.id, reason: run.error },
      });
    }
    res.status(201).json(run);
  });

  router.get('/runs', read, async (req, res) => {
    const limit = typeof req.query.limit === 'string' ? Number(req.query.limit) : undefined;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 500))
      throw invalid('limit must be a whole number from 1 to 500', { limit: req.query.limit });
    const tenantId = typeof req.query.tenantId === 'string' && req.query.tenantId !== '' ? req.query.tenantId : undefined;
    res.json({ runs: await listRuns(deps.dataSource, { tenantId, limit }) });
  });

  router.get('/runs/:runId', read, async (req, res) => {
    const run = await findRun(deps.dataSource, String(req.params.runId));
    if (run === undefined)
      throw new PlatformError(`no reconciliation run ${req.params.runId}`, {
        code: 'reconciliation.run_not_found',
        category: 'invalid',
        httpStatus: 404,
      });
    res.json(run);
  });

  router.post('/runs/:runId/repair', admin, jsonBody, async (req, res) => {
    const body = bodyOf(req);
    const ids = body.discrepancyIds;
    if (ids !== undefined && (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string'))) {
      throw invalid('discrepancyIds must be a non-empty array of discrepancy ids', { discrepancyIds: ids });
    }
    const kind = optionalString(body, 'kind');
    if (kind !== undefined && !(discrepancyKinds as readonly string[]).includes(kind))
      throw invalid(`kind must be one of ${discrepancyKinds.join(', ')}`, { kind });
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')
      throw invalid('dryRun must be true or false', { dryRun: body.dryRun });
    const result = await repairDiscrepancies(deps, {
      runId: String(req.params.runId),
      discrepancyIds: ids as string[] | undefined,
      kind: kind as DiscrepancyKind | undefined,
      dryRun: body.dryRun as boolean | undefined,
      actor: callerOf(res),
    });
    res.json(result);
  });

  return router;
}

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object', {});
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} must be a non-empty string`, { [field]: value });
  return value.trim();
}

function optionalTime(body: Record<string, unknown>, field: string): Date | undefined {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw invalid(`${field} must be an ISO 8601 time`, { [field]: value });
  return time;
}

function onlyTenant(deps: ReconciliationDeps): string {
  const tenants = deps.tenants.tenants;
  if (tenants.length !== 1)
    throw invalid('tenantId is required when several tenants are configured', { tenants: tenants.map((tenant) => tenant.id) });
  return tenants[0].id;
}

function invalid(message: string, details: Record<string, unknown>): PlatformError {
  return new PlatformError(message, { code: 'reconciliation.invalid_request', category: 'invalid', httpStatus: 400, details });
}
