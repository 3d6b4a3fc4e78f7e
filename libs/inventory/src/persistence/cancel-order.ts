import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCancelled } from '@consign/contracts';
import { sourceTimeOf } from '../domain/applied-version';
import { lineReleasesOf } from '../domain/cancellation';
import { itemAfterRelease } from '../domain/item';
import { consignorLineOf } from '../domain/order-lines';
import { itemsReleasedFor } from '../domain/published-events';
import { holdCancellation } from './held-cancellations';
import { lockItemsByVariant, saveItemChange } from './items';
import { placedLinesOfOrder, recordLineRelease } from './order-lines';

/**
 * An order was cancelled. The order must be known here first: if it has not arrived yet the
 * cancellation is held and the order's arrival applies it. A cancellation applies once per order.
 */
export async function cancelOrder(manager: EntityManager, event: ShopifyOrderCancelled): Promise<PlatformEvent[]> {
  const [order]: Array<{ state: string }> = await manager.query('SELECT state FROM orders WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE', [
    event.metadata.tenantId,
    event.order.id,
  ]);
  if (order === undefined) {
    await holdCancellation(manager, event);
    return [];
  }
  if (order.state === 'cancelled') return [];
  return applyCancellation(manager, event);
}

/**
 * Releases what the order sold on the lines the cancellation touched: restocked units go back to
 * the item's count. Only consignor lines were marked sold, so only they are released.
 * The caller has checked that the order is known and not yet cancelled.
 */
export async function applyCancellation(manager: EntityManager, event: ShopifyOrderCancelled): Promise<PlatformEvent[]> {
  const tenantId = event.metadata.tenantId;
  const orderId = event.order.id;
  await manager.query(
    `UPDATE orders SET state = 'cancelled', cancel_event_id = $3, cancelled_at = $4, cancel_reason = $5
     WHERE tenant_id = $1 AND order_id = $2`,
    [tenantId, orderId, event.metadata.eventId, new Date(sourceTimeOf(event.cancelledAt, event.metadata.occurredAt)), event.cancelReason],
  );
  const consignorLines = (await placedLinesOfOrder(manager, tenantId, orderId)).flatMap((line) => consignorLineOf(orderId, line) ?? []);
  const releases = lineReleasesOf(event, consignorLines);
  const items = await lockItemsByVariant(
    manager,
    tenantId,
    consignorLines.map((line) => line.variantId),
  );
  const published: PlatformEvent[] = [];
  for (const release of releases) {
    const line = consignorLines.find((candidate) => candidate.lineItemId === release.lineItemId);
    if (line === undefined) continue;
    await recordLineRelease(manager, tenantId, orderId, release);
    published.push(...itemsReleasedFor(event.metadata, line, release));
    const item = items.get(line.variantId);
    // Items are never deleted; this only narrows the type.
    if (item === undefined) continue;
    const after = itemAfterRelease(item, release);
    items.set(item.variantId, after);
    await saveItemChange(manager, item.quantity, after, {
      cause: 'order_cancelled',
      sourceEventId: event.metadata.eventId,
      orderId,
      lineItemId: line.lineItemId,
      occurredAt: event.metadata.occurredAt,
    });
  }
  return published;
}
