import { PlatformEvent } from '@consign/contracts';
import { PlatformError, toPlatformError } from '@consign/errors';
import { appendEventsToOutbox } from '@consign/outbox';
import { recordOperatorAction } from '@consign/operations';
import { DiscrepancyKind } from './domain/discrepancies';
import { repairEventsOf } from './domain/repair-events';
import { Discrepancy, findRun, lockDiscrepancies, markRepaired } from './persistence/runs';
import { ReconciliationDeps } from './reconcile';

export interface RepairRequest {
  runId: string;
  /** Exactly one of discrepancyIds and kind chooses what to repair. */
  discrepancyIds?: string[];
  kind?: DiscrepancyKind;
  dryRun?: boolean;
  actor: string;
}

export interface PlannedEvent {
  eventId: string;
  eventType: string;
  topic: string;
  key: string;
  value: PlatformEvent['value'];
}

export interface RepairResult {
  runId: string;
  dryRun: boolean;
  /** What was published (to the outbox), or would be on a dry run. */
  repaired: Array<{ discrepancyId: string; kind: DiscrepancyKind; subjectId: string; events: PlannedEvent[] }>;
  skipped: Array<{ discrepancyId: string; kind: DiscrepancyKind; subjectId: string; reason: string }>;
}

/**
 * Publishes the corrective events of the chosen discrepancies: written to the reconciler's outbox
 * in the transaction that marks them repaired and records the audit row, so all three happen or
 * none does. A dry run returns the same events and writes only the audit row. Discrepancies that
 * cannot be repaired from Shopify, or already were, are listed as skipped with the reason.
 */
export async function repairDiscrepancies(deps: ReconciliationDeps, request: RepairRequest): Promise<RepairResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const dryRun = request.dryRun ?? false;
  const parameters = { runId: request.runId, discrepancyIds: request.discrepancyIds ?? null, kind: request.kind ?? null, dryRun };
  try {
    if ((request.discrepancyIds === undefined) === (request.kind === undefined)) {
      throw new PlatformError('choose the discrepancies to repair by discrepancyIds or by kind (one of the two)', {
        code: 'reconciliation.repair_choice_required',
        category: 'invalid',
        httpStatus: 400,
      });
    }
    return await deps.dataSource.transaction(async (manager) => {
      const run = await findRun(manager, request.runId);
      if (run === undefined)
        throw new PlatformError(`no reconciliation run ${request.runId}`, {
          code: 'reconciliation.run_not_found',
          category: 'invalid',
          httpStatus: 404,
        });
      const chosen = await lockDiscrepancies(manager, request.runId, request);
      const missing = (request.discrepancyIds ?? []).filter((id) => !chosen.some((discrepancy) => discrepancy.id === id));
      if (missing.length > 0) {
        throw new PlatformError(`run ${request.runId} has no discrepancies ${missing.join(', ')}`, {
          code: 'reconciliation.discrepancy_not_found',
          category: 'invalid',
          httpStatus: 404,
          details: { missing },
        });
      }
      const result: RepairResult = { runId: run.id, dryRun, repaired: [], skipped: [] };
      for (const discrepancy of chosen) {
        const reason = skipReason(discrepancy);
        if (reason !== undefined) {
          result.skipped.push({ discrepancyId: discrepancy.id, kind: discrepancy.kind, subjectId: discrepancy.subjectId, reason });
          continue;
        }
        const pending = repairEventsOf(discrepancy, { tenantId: run.tenantId, runId: run.id, observedAt: Date.parse(run.startedAt) });
        if (!dryRun) {
          await appendEventsToOutbox(manager, deps.codec, pending);
          await markRepaired(
            manager,
            discrepancy.id,
            pending.map((event) => event.value.metadata.eventId),
            now(),
          );
        }
        result.repaired.push({
          discrepancyId: discrepancy.id,
          kind: discrepancy.kind,
          subjectId: discrepancy.subjectId,
          events: pending.map(plannedEvent),
        });
      }
      await recordOperatorAction(manager, {
        actor: request.actor,
        action: 'reconciliation.repair',
        parameters,
        outcome: dryRun ? 'dry_run' : 'succeeded',
        result: {
          repaired: result.repaired.map((entry) => ({
            discrepancyId: entry.discrepancyId,
            eventIds: entry.events.map((event) => event.eventId),
          })),
          skipped: result.skipped.map((entry) => entry.discrepancyId),
        },
        startedAt,
        app: 'reconciler',
      });
      return result;
    });
  } catch (error) {
    // The transaction rolled back; the failure still belongs in the audit log.
    await recordOperatorAction(deps.dataSource, {
      actor: request.actor,
      action: 'reconciliation.repair',
      parameters,
      outcome: 'failed',
      error: toPlatformError(error).message,
      startedAt,
      app: 'reconciler',
    });
    throw error;
  }
}

function skipReason(discrepancy: Discrepancy): string | undefined {
  if (!discrepancy.repairable) return `not repairable automatically: ${discrepancy.notRepairableReason ?? 'no corrective event'}`;
  if (discrepancy.repairedAt !== null)
    return `already repaired at ${discrepancy.repairedAt} (events ${discrepancy.repairEventIds.join(', ')})`;
  return undefined;
}

function plannedEvent(event: PlatformEvent): PlannedEvent {
  return {
    eventId: event.value.metadata.eventId,
    eventType: event.definition.type,
    topic: event.definition.topic.name,
    // The union pairs each definition with its own value type; TypeScript cannot correlate them here.
    key: (event.definition.keyOf as (value: PlatformEvent['value']) => string)(event.value),
    value: event.value,
  };
}
