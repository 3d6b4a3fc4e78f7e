import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCreated } from '@consign/contracts';
import { insertRows } from '@consign/database';
import { sourceTimeOf } from '../domain/applied-version';
import { ItemState, itemAfterSale, oversoldUnits } from '../domain/item';
import { consignorLineOf, PlacedLine, placedLinesOf } from '../domain/order-lines';
import { itemSoldFor } from '../domain/published-events';
import { lockHoldSubjectsOf } from '../store/hold-locks';
import { ItemChange, lockItemsOf, saveItemChanges } from '../store/items';
import { insertOrderLinesOf } from '../store/order-lines';
import { recordOrderPlaced } from './record-order-placed';
import { oversoldRecord, ReconciliationRecord, recordForReconciliationAll } from '../store/reconciliation';

/**
 * recordOrderPlaced for a run of placed orders, in the run's order and with the same outcome as
 * applying them one by one, in a handful of statements whatever their number (decision 0025). An
 * order that needs more than keeping it and selling its lines (already kept or held, a variant not
 * known, a cancellation or refund lines that came first, its order id met earlier in the run)
 * takes recordOrderPlaced on its own, after what came before it is written.
 */
export async function recordOrdersPlaced(manager: EntityManager, orders: readonly ShopifyOrderCreated[]): Promise<PlatformEvent[]> {
  if (orders.length === 0) return [];
  const variantIdsOf = (event: ShopifyOrderCreated) =>
    event.order.lineItems.flatMap((line) => (line.variantId === null ? [] : [line.variantId]));
  const subjects = orders.map((event) => ({ tenantId: event.metadata.tenantId, variantIds: variantIdsOf(event) }));
  // The same locks recordOrderPlaced takes, all at once and in one sorted order.
  await lockHoldSubjectsOf(manager, subjects);
  const waiting = await ordersWithState(manager, orders);
  let items = await lockItemsOf(manager, subjects);

  const published: PlatformEvent[] = [];
  const seen = new Set<string>();
  let pending = emptyWrites();
  const flush = async (): Promise<void> => {
    await insertRows(
      manager,
      'INSERT INTO orders (tenant_id, order_id, order_name, placed_event_id, placed_at, total_minor, currency, state)',
      pending.orders,
      { rowSuffix: "'received'" },
    );
    await insertOrderLinesOf(manager, pending.lines);
    await recordForReconciliationAll(manager, pending.reconciliation);
    await saveItemChanges(manager, pending.sold);
    pending = emptyWrites();
  };

  for (const event of orders) {
    const tenantId = event.metadata.tenantId;
    const { order } = event;
    const key = `${tenantId}/${order.id}`;
    const plain = !seen.has(key) && !waiting.has(key) && variantIdsOf(event).every((variantId) => items.has(`${tenantId}/${variantId}`));
    seen.add(key);
    if (!plain) {
      await flush();
      published.push(...(await recordOrderPlaced(manager, event)));
      // It may have sold or released items: what follows reads them as it left them.
      items = await lockItemsOf(manager, subjects);
      continue;
    }
    const itemsOfTenant = new Map<string, ItemState>(
      [...items.values()].filter((item) => item.tenantId === tenantId).map((item) => [item.variantId, item]),
    );
    const placedAt = sourceTimeOf(order.createdAt, event.metadata.occurredAt);
    pending.orders.push([
      tenantId,
      order.id,
      order.name,
      event.metadata.eventId,
      new Date(placedAt),
      order.totalPrice.amountMinor,
      order.totalPrice.currency,
    ]);
    const lines = placedLinesOf(order, itemsOfTenant);
    pending.lines.push(...lines.map((line) => ({ tenantId, orderId: order.id, line })));
    for (const line of lines) {
      const sale = consignorLineOf(order.id, line);
      const item = sale && items.get(`${tenantId}/${sale.variantId}`);
      if (sale === undefined || item === undefined) continue;
      const oversold = oversoldUnits(item, sale.quantity, placedAt);
      if (oversold > 0) {
        pending.reconciliation.push(
          oversoldRecord({
            tenantId,
            eventId: event.metadata.eventId,
            orderId: order.id,
            lineItemId: line.lineItemId,
            item,
            sale,
            oversold,
          }),
        );
      }
      const after = itemAfterSale(item, sale.quantity);
      items.set(`${tenantId}/${item.variantId}`, after);
      pending.sold.push({
        quantityBefore: item.quantity,
        item: after,
        source: {
          cause: 'order_sold',
          sourceEventId: event.metadata.eventId,
          orderId: order.id,
          lineItemId: line.lineItemId,
          occurredAt: event.metadata.occurredAt,
        },
      });
      published.push(itemSoldFor(event.metadata, sale));
    }
  }
  await flush();
  return published;
}

function emptyWrites() {
  return {
    orders: [] as unknown[][],
    lines: [] as Array<{ tenantId: string; orderId: string; line: PlacedLine }>,
    reconciliation: [] as ReconciliationRecord[],
    sold: [] as ItemChange[],
  };
}

/**
 * The run's orders ("tenant/order") that are kept or held already, or have a cancellation or
 * refund lines waiting for them: what recordOrderPlaced does more with than keep and sell.
 */
async function ordersWithState(manager: EntityManager, orders: readonly ShopifyOrderCreated[]): Promise<Set<string>> {
  const rows: Array<{ tenant_id: string; order_id: string }> = await manager.query(
    `SELECT run.tenant_id, run.order_id FROM unnest($1::text[], $2::text[]) AS run (tenant_id, order_id)
     WHERE EXISTS (SELECT 1 FROM orders WHERE orders.tenant_id = run.tenant_id AND orders.order_id = run.order_id)
        OR EXISTS (SELECT 1 FROM held_orders AS held WHERE held.tenant_id = run.tenant_id AND held.order_id = run.order_id)
        OR EXISTS (SELECT 1 FROM held_cancellations AS held WHERE held.tenant_id = run.tenant_id AND held.order_id = run.order_id)
        OR EXISTS (SELECT 1 FROM order_refund_lines AS refund WHERE refund.tenant_id = run.tenant_id AND refund.order_id = run.order_id)`,
    [orders.map((event) => event.metadata.tenantId), orders.map((event) => event.order.id)],
  );
  return new Set(rows.map((row) => `${row.tenant_id}/${row.order_id}`));
}
