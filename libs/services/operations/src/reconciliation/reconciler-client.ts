import { AdminClient } from '../http/admin-client';

export interface ReconciliationDiscrepancy {
  id: string;
  kind: string;
  subjectId: string;
  shopifyValue: unknown;
  localValue: unknown;
  repairable: boolean;
  notRepairableReason: string | null;
  repairedAt: string | null;
}

export interface ReconciliationRunView {
  id: string;
  tenantId: string;
  windowFrom: string;
  windowTo: string;
  status: string;
  error: string | null;
  counts: Record<string, number>;
  trigger: string;
  actor: string;
  discrepancies?: ReconciliationDiscrepancy[];
}

export interface RepairView {
  runId: string;
  dryRun: boolean;
  repaired: Array<{
    discrepancyId: string;
    kind: string;
    subjectId: string;
    events: Array<{ eventId: string; eventType: string; topic: string; key: string }>;
  }>;
  skipped: Array<{ discrepancyId: string; kind: string; subjectId: string; reason: string }>;
}

/**
 * Reconciliation from the command line goes through the reconciler's HTTP API, which records the
 * audit row under the name of the key the CLI presents, so the CLI and HTTP paths are one.
 */
export async function startReconciliation(
  http: AdminClient,
  request: { tenantId?: string; from?: Date; to?: Date },
): Promise<ReconciliationRunView> {
  const body = { tenantId: request.tenantId, from: request.from?.toISOString(), to: request.to?.toISOString() };
  // A run that failed (Shopify or a service unreachable) answers 503 with the run id and the reason.
  const answer = await http.request<ReconciliationRunView>('reconciler', 'POST', '/runs', { body, timeoutMs: 600_000 });
  return answer.body;
}

export async function findReconciliation(http: AdminClient, runId: string): Promise<ReconciliationRunView> {
  return (await http.request<ReconciliationRunView>('reconciler', 'GET', `/runs/${encodeURIComponent(runId)}`)).body;
}

export async function listReconciliations(http: AdminClient, tenantId?: string): Promise<ReconciliationRunView[]> {
  const answer = await http.request<{ runs: ReconciliationRunView[] }>(
    'reconciler',
    'GET',
    `/runs${tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : ''}`,
  );
  return answer.body.runs;
}

export async function repairReconciliation(
  http: AdminClient,
  request: { runId: string; discrepancyIds?: string[]; kind?: string; all?: boolean; dryRun?: boolean },
): Promise<RepairView> {
  let discrepancyIds = request.discrepancyIds;
  if (request.all)
    discrepancyIds = ((await findReconciliation(http, request.runId)).discrepancies ?? []).map((discrepancy) => discrepancy.id);
  const body = { discrepancyIds, kind: request.kind, dryRun: request.dryRun ?? false };
  return (
    await http.request<RepairView>('reconciler', 'POST', `/runs/${encodeURIComponent(request.runId)}/repair`, { body, timeoutMs: 120_000 })
  ).body;
}
