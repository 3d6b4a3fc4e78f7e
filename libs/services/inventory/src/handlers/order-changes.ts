import { EntityManager } from 'typeorm';
import {
  EventMetadata,
  ItemReleased,
  PlatformEvent,
  ShopifyOrderCancelled,
  ShopifyOrderUpdated,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { sourceTimeOf } from '../domain/applied-version';
import { lineReleasesOf } from '../domain/cancellation';
import { itemAfterRelease } from '../domain/item';
import { consignorLineOf } from '../domain/order-lines';
import { itemsReleasedFor } from '../domain/published-events';
import { holdCancellation } from '../store/held-cancellations';
import { appendIfOrderHeld } from '../store/held-orders';
import { ItemChange, lockItemsByVariant, saveItemChanges } from '../store/items';
import { placedLinesOfOrder, recordLineRelease, releasesOfOrder } from '../store/order-lines';
import { keepRefundLines, refundLinesOfOrder } from '../store/refund-lines';

/**
 * An order was cancelled: every line it sold is released, refund lines or not, and what those
 * refund lines restock goes back to stock. A repeat, or a later cancellation carrying the refund
 * lines, applies only what it adds. An order not known here yet has its cancellation held; the
 * order's arrival applies it. Of an order held for its products, it waits in that order's hold.
 */
export async function cancelOrder(manager: EntityManager, event: ShopifyOrderCancelled): Promise<PlatformEvent[]> {
  const tenantId = event.metadata.tenantId;
  if (await appendIfOrderHeld(manager, event.order.id, event)) return [];
  await keepRefundLines(manager, tenantId, event.order.id, event.refunds);
  const state = await lockOrder(manager, tenantId, event.order.id);
  if (state === undefined) {
    await holdCancellation(manager, event);
    return [];
  }
  return applyCancellation(manager, event);
}

/**
 * The order changed (orders/updated): its refund lines release what they refund, and a line whose
 * current quantity dropped releases what it lost. Refund lines of an order not known yet are kept
 * for its arrival; an update of an order held for its products waits in that order's hold.
 */
export async function applyOrderUpdate(manager: EntityManager, event: ShopifyOrderUpdated): Promise<PlatformEvent[]> {
  // Most updates (fulfilment, tags, notes) take nothing off any line: no lock, no lookup.
  const takesUnitsOff =
    event.cancelledAt !== null ||
    event.refunds.some((refund) => refund.refundLineItems.length > 0) ||
    event.order.lineItems.some((line) => (event.currentQuantities[line.id] ?? line.quantity) < line.quantity);
  if (!takesUnitsOff) return [];
  const tenantId = event.metadata.tenantId;
  if (await appendIfOrderHeld(manager, event.order.id, event)) return [];
  await keepRefundLines(manager, tenantId, event.order.id, event.refunds);
  const state = await lockOrder(manager, tenantId, event.order.id);
  if (state === undefined) return [];
  // An update of a cancelled order (cancelled_at set) voids like the cancellation, whichever arrives first.
  const cancelled = state === 'cancelled' || event.cancelledAt !== null;
  return releaseOrderLines(manager, event.metadata, event.order.id, {
    cancelled,
    currentQuantities: event.currentQuantities,
    reason: cancelled ? 'order_cancelled' : 'refunded',
  });
}

/**
 * A refund was made (refunds/create): its lines release exactly the units they refund, back in
 * stock by their restock_type, each refund line once whichever event (this, orders/updated,
 * orders/cancelled) carries it first. A refund of an order not known yet is kept for its arrival;
 * of an order held for its products, it waits in that order's hold.
 */
export async function applyRefund(manager: EntityManager, event: ShopifyRefundCreated): Promise<PlatformEvent[]> {
  const tenantId = event.metadata.tenantId;
  if (await appendIfOrderHeld(manager, event.orderId, event)) return [];
  await keepRefundLines(manager, tenantId, event.orderId, [event.refund]);
  const state = await lockOrder(manager, tenantId, event.orderId);
  if (state === undefined) return [];
  const cancelled = state === 'cancelled';
  return releaseOrderLines(manager, event.metadata, event.orderId, { cancelled, reason: cancelled ? 'order_cancelled' : 'refunded' });
}

/** Marks a known order cancelled (the first cancellation's details stay) and releases its lines. */
export async function applyCancellation(manager: EntityManager, event: ShopifyOrderCancelled): Promise<PlatformEvent[]> {
  await manager.query(
    `UPDATE orders SET state = 'cancelled', cancel_event_id = $3, cancelled_at = $4, cancel_reason = $5
     WHERE tenant_id = $1 AND order_id = $2 AND state <> 'cancelled'`,
    [
      event.metadata.tenantId,
      event.order.id,
      event.metadata.eventId,
      new Date(sourceTimeOf(event.cancelledAt, event.metadata.occurredAt)),
      event.cancelReason,
    ],
  );
  return releaseOrderLines(manager, event.metadata, event.order.id, {
    cancelled: true,
    currentQuantities: event.currentQuantities,
    reason: 'order_cancelled',
  });
}

/**
 * Brings each consignor line to what everything known of the order says (lineReleasesOf): the
 * units released and restocked since, recorded on the line and the item, published as
 * ItemReleased. Only consignor lines were marked sold, so only they are released.
 */
export async function releaseOrderLines(
  manager: EntityManager,
  cause: EventMetadata,
  orderId: string,
  change: { cancelled: boolean; currentQuantities?: Readonly<Record<string, number>>; reason: ItemReleased['reason'] },
): Promise<PlatformEvent[]> {
  const tenantId = cause.tenantId;
  const refundLines = await refundLinesOfOrder(manager, tenantId, orderId);
  // Only a cancellation, a refund or a lowered quantity releases units: an order placed with none
  // (nearly every one) needs no more reading.
  if (!change.cancelled && change.currentQuantities === undefined && refundLines.length === 0) return [];
  const consignorLines = (await placedLinesOfOrder(manager, tenantId, orderId)).flatMap((line) => consignorLineOf(orderId, line) ?? []);
  if (consignorLines.length === 0) return [];
  const applied = await releasesOfOrder(manager, tenantId, orderId);
  const releases = lineReleasesOf(
    { cancelled: change.cancelled, refundLines, currentQuantities: change.currentQuantities },
    consignorLines.map((line) => ({
      lineItemId: line.lineItemId,
      quantity: line.quantity,
      ...(applied.get(line.lineItemId) ?? { releasedUnits: 0, restockedUnits: 0 }),
    })),
  );
  const items = await lockItemsByVariant(
    manager,
    tenantId,
    consignorLines.map((line) => line.variantId),
  );
  const published: PlatformEvent[] = [];
  const changes: ItemChange[] = [];
  for (const release of releases) {
    const line = consignorLines.find((candidate) => candidate.lineItemId === release.lineItemId);
    if (line === undefined) continue;
    await recordLineRelease(manager, tenantId, orderId, release);
    published.push(...itemsReleasedFor(cause, line, release, change.reason));
    const item = items.get(line.variantId);
    // Items are never deleted; this only narrows the type.
    if (item === undefined) continue;
    const after = itemAfterRelease(item, release);
    items.set(item.variantId, after);
    changes.push({
      quantityBefore: item.quantity,
      item: after,
      source: {
        cause: change.reason === 'order_cancelled' ? 'order_cancelled' : 'order_refunded',
        sourceEventId: cause.eventId,
        orderId,
        lineItemId: line.lineItemId,
        occurredAt: cause.occurredAt,
      },
    });
  }
  await saveItemChanges(manager, changes);
  return published;
}

async function lockOrder(manager: EntityManager, tenantId: string, orderId: string): Promise<string | undefined> {
  const [order]: Array<{ state: string }> = await manager.query(
    'SELECT state FROM orders WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE',
    [tenantId, orderId],
  );
  return order?.state;
}
