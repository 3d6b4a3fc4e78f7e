import { EntityManager } from 'typeorm';
import { ShopifyOrderCancelled } from '@consign/contracts';
import { escalateHeldEvents } from './reconciliation';

/** Keeps a cancellation whose order has not arrived yet; the order's arrival applies it. */
export async function holdCancellation(manager: EntityManager, event: ShopifyOrderCancelled): Promise<void> {
  await manager.query(
    `INSERT INTO held_cancellations (tenant_id, order_id, event_id, event, occurred_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [event.metadata.tenantId, event.order.id, event.metadata.eventId, JSON.stringify(event), new Date(event.metadata.occurredAt)],
  );
}

// UPDATE and DELETE … RETURNING go through a CTE: TypeORM answers those statements with [rows, count].

/**
 * Removes every cancellation held for the order and returns the earliest (by source time, then
 * id): a cancellation applies once per order, so the later ones change nothing.
 */
export async function takeHeldCancellation(
  manager: EntityManager,
  tenantId: string,
  orderId: string,
): Promise<ShopifyOrderCancelled | undefined> {
  const rows: Array<{ event: ShopifyOrderCancelled }> = await manager.query(
    `WITH taken AS (DELETE FROM held_cancellations WHERE tenant_id = $1 AND order_id = $2 RETURNING event)
     SELECT event FROM taken`,
    [tenantId, orderId],
  );
  const sorted = [...rows].sort(
    (a, b) => a.event.metadata.occurredAt - b.event.metadata.occurredAt || a.event.metadata.eventId.localeCompare(b.event.metadata.eventId),
  );
  return sorted[0]?.event;
}

/**
 * Hands the cancellations held since before `heldBefore` to reconciliation, once each; they stay
 * held. Not one whose order has come but is held for its products: that order applies it when it
 * is placed, at the latest past its own grace period. Returns how many.
 */
export function escalateOverdueCancellations(manager: EntityManager, heldBefore: Date): Promise<number> {
  return escalateHeldEvents<ShopifyOrderCancelled>(
    manager,
    {
      table: 'held_cancellations',
      unless:
        'EXISTS (SELECT 1 FROM held_orders WHERE held_orders.tenant_id = held_cancellations.tenant_id AND held_orders.order_id = held_cancellations.order_id)',
    },
    heldBefore,
    (event, heldAt) => ({
      tenantId: event.metadata.tenantId,
      kind: 'cancellation_order_missing',
      sourceEventId: event.metadata.eventId,
      subjectId: event.order.id,
      orderId: event.order.id,
      detail: {
        orderName: event.order.name,
        cancelledAt: event.cancelledAt,
        cancelReason: event.cancelReason,
        heldAt: heldAt.toISOString(),
      },
    }),
  );
}
