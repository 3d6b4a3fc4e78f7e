import { EntityManager } from 'typeorm';
import { deterministicEventId, EventMetadata } from '@consign/contracts';
import { EarningsExceptionKind } from '../domain/sale';

export interface EarningsException {
  kind: EarningsExceptionKind;
  orderId: string | null;
  lineItemId: string | null;
  consignorId: string | null;
  detail: Record<string, unknown>;
}

/**
 * Records odd input for the store owner, inside the handler's transaction. The id derives from the
 * causing event and what it is about, so a redelivery or replay records it once, with the same id.
 */
export async function recordEarningsException(manager: EntityManager, cause: EventMetadata, exception: EarningsException): Promise<void> {
  const id = deterministicEventId(
    'earnings-exception',
    cause.tenantId,
    cause.eventId,
    exception.kind,
    exception.orderId ?? '',
    exception.lineItemId ?? '',
  );
  await manager.query(
    `INSERT INTO earnings_exceptions (id, tenant_id, kind, order_id, line_item_id, consignor_id, detail, cause_event_id, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO NOTHING`,
    [
      id,
      cause.tenantId,
      exception.kind,
      exception.orderId,
      exception.lineItemId,
      exception.consignorId,
      JSON.stringify(exception.detail),
      cause.eventId,
      new Date(cause.occurredAt),
    ],
  );
}

/**
 * Closes the open exceptions of one kind about an order (lineItemId null) or one of its lines, once
 * what they waited for has arrived. They stay listed, with when they were resolved.
 */
export async function resolveEarningsExceptions(
  manager: EntityManager,
  about: { tenantId: string; kind: EarningsExceptionKind; orderId: string; lineItemId: string | null },
): Promise<void> {
  await manager.query(
    `UPDATE earnings_exceptions SET resolved_at = now()
     WHERE tenant_id = $1 AND kind = $2 AND order_id = $3 AND line_item_id IS NOT DISTINCT FROM $4 AND resolved_at IS NULL`,
    [about.tenantId, about.kind, about.orderId, about.lineItemId],
  );
}
