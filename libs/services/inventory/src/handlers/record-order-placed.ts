import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCreated } from '@consign/contracts';
import { sourceTimeOf } from '../domain/applied-version';
import { itemAfterSale, oversoldUnits } from '../domain/item';
import { consignorLineOf, placedLinesOf } from '../domain/order-lines';
import { itemSoldFor } from '../domain/published-events';
import { applyCancellation, releaseOrderLines } from './order-changes';
import { takeHeldCancellation } from '../store/held-cancellations';
import { appendIfOrderHeld, holdOrder } from '../store/held-orders';
import { lockHoldSubjects } from '../store/hold-locks';
import { ItemChange, lockItemsByVariant, saveItemChanges } from '../store/items';
import { insertOrderLines } from '../store/order-lines';
import { oversoldRecord, recordForReconciliation, resolveOrderReconciliation } from '../store/reconciliation';

/**
 * What placing an order does with a line naming a variant no product sync has brought: the
 * handler holds the whole order for it; a held order replayed (its products came, or it waited
 * past the grace period) is placed, such a line kept as unknown_variant and recorded for
 * reconciliation.
 */
export type OnUnknownVariant = 'hold_order' | 'record_line';

/**
 * An order was placed: keeps it with its lines, marks each consignor line's item sold and
 * publishes one ItemSold per consignor line. Store-owned lines publish nothing. An order naming a
 * variant not known yet is held, with every later event of it, for the product syncs that bring
 * them (topics are consumed in parallel: a rebuild often sees the order first), which replay them
 * as if they had come after. An order already kept changes nothing. A cancellation that arrived
 * first is applied now, so the outcome is the same in either order.
 */
export async function recordOrderPlaced(
  manager: EntityManager,
  event: ShopifyOrderCreated,
  onUnknownVariant: OnUnknownVariant = 'hold_order',
): Promise<PlatformEvent[]> {
  const tenantId = event.metadata.tenantId;
  const { order } = event;
  const variantIds = order.lineItems.flatMap((line) => (line.variantId === null ? [] : [line.variantId]));
  // Deciding to hold must not miss a product sync committing at the same time (see hold-locks). A
  // replay runs in the transaction that took the hold, which already locked what it needs.
  if (onUnknownVariant === 'hold_order') await lockHoldSubjects(manager, tenantId, { variantIds });
  if (await appendIfOrderHeld(manager, order.id, event)) return [];
  const kept: unknown[] = await manager.query('SELECT 1 FROM orders WHERE tenant_id = $1 AND order_id = $2', [tenantId, order.id]);
  if (kept.length > 0) return [];

  const items = await lockItemsByVariant(manager, tenantId, variantIds);
  const awaitedVariantIds = variantIds.filter((variantId) => !items.has(variantId));
  if (onUnknownVariant === 'hold_order' && awaitedVariantIds.length > 0) {
    await holdOrder(manager, event, variantIds, awaitedVariantIds);
    return [];
  }

  const placedAt = sourceTimeOf(order.createdAt, event.metadata.occurredAt);
  await manager.query(
    `INSERT INTO orders (tenant_id, order_id, order_name, placed_event_id, placed_at, total_minor, currency, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'received')`,
    [tenantId, order.id, order.name, event.metadata.eventId, new Date(placedAt), order.totalPrice.amountMinor, order.totalPrice.currency],
  );
  const lines = placedLinesOf(order, items);
  await insertOrderLines(manager, tenantId, order.id, lines);

  const published: PlatformEvent[] = [];
  const sold: ItemChange[] = [];
  for (const line of lines) {
    if (line.ownership === 'unknown_variant') {
      await recordForReconciliation(manager, {
        tenantId,
        kind: 'order_line_unknown_variant',
        sourceEventId: event.metadata.eventId,
        subjectId: line.lineItemId,
        orderId: order.id,
        detail: { variantId: line.variantId, productId: line.productId, sku: line.sku, title: line.title, quantity: line.quantity },
      });
    }
    const sale = consignorLineOf(order.id, line);
    const item = sale && items.get(sale.variantId);
    if (sale === undefined || item === undefined) continue;
    const oversold = oversoldUnits(item, sale.quantity, placedAt);
    if (oversold > 0) {
      await recordForReconciliation(
        manager,
        oversoldRecord({ tenantId, eventId: event.metadata.eventId, orderId: order.id, lineItemId: line.lineItemId, item, sale, oversold }),
      );
    }
    const after = itemAfterSale(item, sale.quantity);
    items.set(item.variantId, after);
    sold.push({
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
  await saveItemChanges(manager, sold);

  const heldCancellation = await takeHeldCancellation(manager, tenantId, order.id);
  if (heldCancellation !== undefined) {
    published.push(...(await applyCancellation(manager, heldCancellation)));
    await resolveOrderReconciliation(manager, tenantId, 'cancellation_order_missing', order.id);
  } else {
    // Refund lines that arrived before the order (orders/updated, refunds/create) release what they refunded now.
    published.push(...(await releaseOrderLines(manager, event.metadata, order.id, { cancelled: false, reason: 'refunded' })));
  }
  return published;
}
