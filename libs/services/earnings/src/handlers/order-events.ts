import { EntityManager } from 'typeorm';
import {
  PlatformEvent,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderPaid,
  ShopifyOrderUpdated,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { Tenant } from '@consign/tenants';
import { isPaidFinancialStatus } from '../domain/sale';
import { recordEarningsException } from '../store/exceptions';
import { markOrderPaid, recordOrderReceived } from '../store/ledger';
import { lockForTransaction } from '../store/locks';
import { applyHeldOrderChanges, applyOrderChange, escalateOverdueOrderChanges } from '../store/order-changes';
import { escalateOverdueLines, OrderLine, ReceivedOrder, settleOrderLines } from '../store/order-lines';
import { productOwnerships } from './product-ownership';
import { assertTenant } from '../store/earnings-source';

/**
 * An order was placed: one ledger entry per line of a consignor's item, at the consignor's terms
 * in force when it sold, pending until the order is paid. A line whose product or consignor is not
 * known yet is held and evaluated when that arrives. Cancellations and refunds that arrived before
 * the order are applied right after, with the ids they would have had had they come later.
 */
export async function recordSale(manager: EntityManager, event: ShopifyOrderCreated, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const { metadata, order } = event;
  assertValidOrder(event);
  const currency = order.totalPrice.currency;
  // Whose each product is must not change between reading it and holding a line for it (locks.ts).
  await lockForTransaction(
    manager,
    tenant.id,
    'product',
    order.lineItems.flatMap((line) => (line.productId === null ? [] : [line.productId])),
  );
  const received: ReceivedOrder = { orderId: order.id, currency, soldAt: new Date(metadata.occurredAt), cause: metadata };
  if (
    !(await recordOrderReceived(manager, {
      tenantId: tenant.id,
      orderId: order.id,
      orderName: order.name,
      currency,
      soldAt: received.soldAt,
      eventId: metadata.eventId,
    }))
  )
    return [];
  if (isPaidFinancialStatus(order.financialStatus))
    await markOrderPaid(manager, { tenantId: tenant.id, orderId: order.id, paidAt: received.soldAt, eventId: metadata.eventId });
  if (currency !== tenant.currency) {
    await recordEarningsException(manager, metadata, {
      kind: 'foreign_currency',
      orderId: order.id,
      lineItemId: null,
      consignorId: null,
      detail: { orderCurrency: currency, tenantCurrency: tenant.currency, recordedIn: currency },
    });
  }

  const ownerships = await productOwnerships(
    manager,
    tenant.id,
    order.lineItems.flatMap((line) => (line.productId === null ? [] : [line.productId])),
  );
  const lines: OrderLine[] = order.lineItems.map((line) => ({
    order: received,
    line,
    ownership: line.productId === null ? { kind: 'store' } : (ownerships.get(line.productId) ?? { kind: 'never_seen' }),
  }));
  const { published } = await settleOrderLines(manager, tenant, lines);
  published.push(...(await applyHeldOrderChanges(manager, tenant.id, order.id)));
  return published;
}

/** An order without an ISO 4217 currency can never be recorded. */
export function assertValidOrder({ order }: ShopifyOrderCreated): void {
  if (!/^[A-Z]{3}$/.test(order.totalPrice.currency)) {
    throw new PlatformError(`order ${order.id} has no ISO 4217 currency (${JSON.stringify(order.totalPrice.currency)})`, {
      code: 'earnings.order_currency_invalid',
      category: 'invalid',
    });
  }
}

/** The order is paid: its entries are earned from now on (derived from the order, not stored on them). */
export async function recordOrderPayment(manager: EntityManager, event: ShopifyOrderPaid, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  await lockForTransaction(manager, tenant.id, 'order', [event.order.id]);
  await markOrderPaid(manager, {
    tenantId: tenant.id,
    orderId: event.order.id,
    paidAt: new Date(event.metadata.occurredAt),
    eventId: event.metadata.eventId,
  });
  return [];
}

/** An order changed: it may now be paid, and refund lines not seen before reverse their units. */
export async function recordOrderUpdate(manager: EntityManager, event: ShopifyOrderUpdated, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const { metadata, order } = event;
  await lockForTransaction(manager, tenant.id, 'order', [order.id]);
  if (isPaidFinancialStatus(order.financialStatus)) {
    await markOrderPaid(manager, {
      tenantId: tenant.id,
      orderId: order.id,
      paidAt: new Date(metadata.occurredAt),
      eventId: metadata.eventId,
    });
  }
  if (event.cancelledAt === null && !event.refunds.some((refund) => refund.refundLineItems.length > 0)) return [];
  return applyOrderChange(manager, order.id, event);
}

/**
 * An order was cancelled: the lines it touched are reversed by appended entries. A cancellation
 * for an order not received yet is held until the order arrives.
 */
export async function reverseCancelledOrder(
  manager: EntityManager,
  event: ShopifyOrderCancelled,
  tenant: Tenant,
): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  await lockForTransaction(manager, tenant.id, 'order', [event.order.id]);
  return applyOrderChange(manager, event.order.id, event);
}

/**
 * A refund was created (Shopify refunds/create): its refund lines reverse their units for the money
 * they refunded, like the same refund lines in an orders/updated or orders/cancelled, whichever of
 * them comes first. A refund before its order is held until the order arrives.
 */
export async function recordRefund(manager: EntityManager, event: ShopifyRefundCreated, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  await lockForTransaction(manager, tenant.id, 'order', [event.orderId]);
  if (event.refund.refundLineItems.length === 0) return [];
  return applyOrderChange(manager, event.orderId, event);
}

/**
 * Lists what has been held longer than the grace period (held before `heldBefore`) for the store
 * owner: order changes whose order never came (order_not_received) and lines whose product or
 * consignor never came (unknown_product, unknown_consignor). Both stay held and are applied should
 * what they wait for arrive later, closing the exception. Returns how many of each were listed.
 */
export async function escalateOverdueHolds(manager: EntityManager, heldBefore: Date): Promise<{ orderChanges: number; lines: number }> {
  return { orderChanges: await escalateOverdueOrderChanges(manager, heldBefore), lines: await escalateOverdueLines(manager, heldBefore) };
}
