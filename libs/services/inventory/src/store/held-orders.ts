import { EntityManager } from 'typeorm';
import { ShopifyOrderCancelled, ShopifyOrderCreated, ShopifyOrderUpdated, ShopifyRefundCreated } from '@consign/contracts';

/** An event of an order that inventory handles; held with its order while that waits. */
export type OrderEvent = ShopifyOrderCreated | ShopifyOrderCancelled | ShopifyOrderUpdated | ShopifyRefundCreated;

/** An order held for the product syncs that bring the variants it names. */
export interface HeldOrder {
  tenantId: string;
  orderId: string;
  /** Every variant its lines name. */
  variantIds: string[];
  /** Those no product sync had brought when it was held. */
  awaitedVariantIds: string[];
}

/** A held order's events, taken to be applied now, as they arrived. */
export interface TakenOrder {
  orderId: string;
  events: Array<{ eventType: string; occurredAt: number; event: OrderEvent }>;
}

interface HeldOrderRow {
  tenant_id: string;
  order_id: string;
  variant_ids: string[];
  awaited_variant_ids: string[];
}

function heldOrderFrom(row: HeldOrderRow): HeldOrder {
  return { tenantId: row.tenant_id, orderId: row.order_id, variantIds: row.variant_ids, awaitedVariantIds: row.awaited_variant_ids };
}

/** Holds an order that names variants no product sync has brought yet, with its event. */
export async function holdOrder(
  manager: EntityManager,
  event: ShopifyOrderCreated,
  variantIds: readonly string[],
  awaitedVariantIds: readonly string[],
): Promise<void> {
  await manager.query('INSERT INTO held_orders (tenant_id, order_id, variant_ids, awaited_variant_ids) VALUES ($1, $2, $3, $4)', [
    event.metadata.tenantId,
    event.order.id,
    [...new Set(variantIds)],
    [...new Set(awaitedVariantIds)],
  ]);
  await appendHeldEvent(manager, event.order.id, event);
}

/**
 * When the order is held, appends the event to it (once per event id) and says so: it is applied
 * with the order, after the events that came before it. Locks the hold: a product sync taking it
 * at the same time either waits for this event or is waited for, and then the order is known.
 */
export async function appendIfOrderHeld(manager: EntityManager, orderId: string, event: OrderEvent): Promise<boolean> {
  const held: unknown[] = await manager.query('SELECT 1 FROM held_orders WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE', [
    event.metadata.tenantId,
    orderId,
  ]);
  if (held.length === 0) return false;
  await appendHeldEvent(manager, orderId, event);
  return true;
}

async function appendHeldEvent(manager: EntityManager, orderId: string, event: OrderEvent): Promise<void> {
  await manager.query(
    `INSERT INTO held_order_events (tenant_id, order_id, event_id, event_type, occurred_at, event)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING`,
    [
      event.metadata.tenantId,
      orderId,
      event.metadata.eventId,
      event.metadata.eventType,
      new Date(event.metadata.occurredAt),
      JSON.stringify(event),
    ],
  );
}

/** Locks the orders held for any of these variants, in order id order. */
export async function lockOrdersAwaiting(manager: EntityManager, tenantId: string, variantIds: readonly string[]): Promise<HeldOrder[]> {
  const rows: HeldOrderRow[] = await manager.query(
    `SELECT tenant_id, order_id, variant_ids, awaited_variant_ids FROM held_orders
     WHERE tenant_id = $1 AND awaited_variant_ids && $2::text[]
     ORDER BY order_id FOR UPDATE`,
    [tenantId, [...variantIds]],
  );
  return rows.map(heldOrderFrom);
}

/** Locks the orders held since before `heldBefore`, leaving out those a product sync is taking right now. */
export async function lockOverdueOrders(manager: EntityManager, heldBefore: Date): Promise<HeldOrder[]> {
  const rows: HeldOrderRow[] = await manager.query(
    `SELECT tenant_id, order_id, variant_ids, awaited_variant_ids FROM held_orders
     WHERE held_at < $1
     ORDER BY tenant_id, order_id FOR UPDATE SKIP LOCKED`,
    [heldBefore],
  );
  return rows.map(heldOrderFrom);
}

/** Removes these (locked) holds and returns each order's events as they arrived: the caller applies them now. */
export async function takeHeldOrders(manager: EntityManager, orders: readonly HeldOrder[]): Promise<TakenOrder[]> {
  if (orders.length === 0) return [];
  // All at once: a product sync in a rebuild can release thousands of orders.
  const keys = [orders.map((held) => held.tenantId), orders.map((held) => held.orderId)];
  // DELETE … RETURNING goes through a CTE: TypeORM answers the bare statement with [rows, count].
  const rows: Array<{ tenant_id: string; order_id: string; event_type: string; occurred_at: Date; event: OrderEvent }> =
    await manager.query(
      `WITH taken AS (
       DELETE FROM held_order_events WHERE (tenant_id, order_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
       RETURNING tenant_id, order_id, arrival, event_type, occurred_at, event)
     SELECT tenant_id, order_id, event_type, occurred_at, event FROM taken ORDER BY arrival`,
      keys,
    );
  await manager.query('DELETE FROM held_orders WHERE (tenant_id, order_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))', keys);
  const taken = new Map(
    orders.map((held) => [`${held.tenantId}/${held.orderId}`, { orderId: held.orderId, events: [] as TakenOrder['events'] }]),
  );
  for (const row of rows)
    taken
      .get(`${row.tenant_id}/${row.order_id}`)
      ?.events.push({ eventType: row.event_type, occurredAt: row.occurred_at.getTime(), event: row.event });
  return [...taken.values()];
}
