import { EntityManager } from 'typeorm';
import {
  derivedMetadata,
  deterministicEventId,
  EarningsRecorded,
  EarningsReversalReason,
  EarningsStatus,
  EventMetadata,
  events,
  Money,
  PlatformEvent,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderPaid,
  ShopifyOrderUpdated,
  ShopifyRefund,
} from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { Tenant } from '@consign/tenants';
import { planReversals } from '../domain/reversal';
import { evaluateLine, isPaidFinancialStatus } from '../domain/sale';
import { consignorTermsAt } from './consignor-terms';
import { recordEarningsException } from './exceptions';
import {
  appendLedgerEntry,
  claimedRefundLineIds,
  claimRefundLine,
  isOrderPaid,
  isOrderReceived,
  LedgerEntry,
  markOrderPaid,
  recordedSalesOf,
  recordOrderReceived,
} from './ledger';
import { productOwnership } from './product-ownership';
import { earningsSource, assertTenant } from './tenant-check';

/**
 * An order was placed: one ledger entry per line of a consignor's item, at the consignor's terms
 * in force when it sold, pending until the order is paid. Cancellations and refunds that arrived
 * before the order are applied right after, with the ids they would have had had they come later.
 */
export async function recordSale(manager: EntityManager, event: ShopifyOrderCreated, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const { metadata, order } = event;
  const currency = order.totalPrice.currency;
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new PlatformError(`order ${order.id} has no ISO 4217 currency (${JSON.stringify(currency)})`, { code: 'earnings.order_currency_invalid', category: 'invalid' });
  }
  const soldAt = new Date(metadata.occurredAt);
  const received = await recordOrderReceived(manager, { tenantId: tenant.id, orderId: order.id, orderName: order.name, currency, soldAt, eventId: metadata.eventId });
  if (!received) return [];
  if (isPaidFinancialStatus(order.financialStatus)) await markOrderPaid(manager, { tenantId: tenant.id, orderId: order.id, paidAt: soldAt, eventId: metadata.eventId });
  const paid = await isOrderPaid(manager, tenant.id, order.id);
  if (currency !== tenant.currency) {
    await recordEarningsException(manager, metadata, {
      kind: 'foreign_currency',
      orderId: order.id,
      lineItemId: null,
      consignorId: null,
      detail: { orderCurrency: currency, tenantCurrency: tenant.currency, recordedIn: currency },
    });
  }

  const published: PlatformEvent[] = [];
  for (const line of order.lineItems) {
    const ownership = line.productId === null ? { kind: 'store' as const } : await productOwnership(manager, tenant.id, line.productId);
    const terms = ownership.kind === 'consignor' ? await consignorTermsAt(manager, tenant.id, ownership.consignorId, soldAt) : undefined;
    const outcome = evaluateLine(line, { orderCurrency: currency, ownership, terms, defaultCommissionRateBasisPoints: tenant.defaultCommissionRateBasisPoints });
    if (outcome.kind === 'store_item') continue;
    if (outcome.kind === 'exception') {
      await recordEarningsException(manager, metadata, { kind: outcome.exception, orderId: order.id, lineItemId: line.id, consignorId: outcome.consignorId, detail: outcome.detail });
      continue;
    }
    const entry: LedgerEntry = {
      id: deterministicEventId('earnings-sale', tenant.id, order.id, line.id),
      tenantId: tenant.id,
      consignorId: outcome.consignorId,
      orderId: order.id,
      lineItemId: line.id,
      itemTitle: line.title,
      quantity: outcome.quantity,
      commissionRateBasisPoints: outcome.commissionRateBasisPoints,
      amounts: outcome.amounts,
      currency,
      occurredAt: soldAt,
      causeEventId: metadata.eventId,
      reversal: null,
    };
    if (!(await appendLedgerEntry(manager, entry, paid))) continue;
    published.push({
      definition: events.earningsRecorded,
      value: {
        metadata: derivedMetadata(events.earningsRecorded, metadata, { source: earningsSource, discriminator: line.id }),
        ledgerEntryId: entry.id,
        ...entryFields(entry),
        status: statusOf(paid),
      },
    });
  }
  published.push(...(await applyHeldOrderChanges(manager, tenant.id, order.id)));
  return published;
}

/** The order is paid: its entries are earned from now on (derived from the order, not stored on them). */
export async function recordOrderPayment(manager: EntityManager, event: ShopifyOrderPaid, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  await markOrderPaid(manager, { tenantId: tenant.id, orderId: event.order.id, paidAt: new Date(event.metadata.occurredAt), eventId: event.metadata.eventId });
  return [];
}

/** An order changed: it may now be paid, and refund lines not seen before reverse their units. */
export async function recordOrderUpdate(manager: EntityManager, event: ShopifyOrderUpdated, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const { metadata, order } = event;
  if (isPaidFinancialStatus(order.financialStatus)) {
    await markOrderPaid(manager, { tenantId: tenant.id, orderId: order.id, paidAt: new Date(metadata.occurredAt), eventId: metadata.eventId });
  }
  // An update of a cancelled order (cancelled_at set) voids like the cancellation, whichever arrives first.
  const cancelled = event.cancelledAt !== null;
  if (!cancelled && !event.refunds.some((refund) => refund.refundLineItems.length > 0)) return [];
  if (!(await isOrderReceived(manager, tenant.id, order.id))) {
    await holdOrderChange(manager, metadata, order.id, event);
    return [];
  }
  return reverseEarnings(manager, metadata, order.id, { refunds: event.refunds, currentQuantities: undefined, cancelled, reason: cancelled ? 'order_cancelled' : 'refunded' });
}

/**
 * An order was cancelled: the lines it touched are reversed by appended entries. A cancellation
 * for an order not received yet is held until the order arrives.
 */
export async function reverseCancelledOrder(manager: EntityManager, event: ShopifyOrderCancelled, tenant: Tenant): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  if (!(await isOrderReceived(manager, tenant.id, event.order.id))) {
    await holdOrderChange(manager, event.metadata, event.order.id, event);
    return [];
  }
  return reverseEarnings(manager, event.metadata, event.order.id, { refunds: event.refunds, currentQuantities: event.currentQuantities, cancelled: true, reason: 'order_cancelled' });
}

/**
 * Marks order changes held longer than the wait (held before `heldBefore`) as awaiting
 * reconciliation, with an exception the store owner sees. They are still applied should their
 * order arrive later. Returns how many were marked.
 */
export async function markHeldOrderChangesForReconciliation(manager: EntityManager, heldBefore: Date): Promise<number> {
  const marked = await updateReturning<{ order_id: string; event: HeldEvent; held_at: Date }>(
    manager,
    `UPDATE held_order_changes SET state = 'awaiting_reconciliation', state_changed_at = now()
     WHERE state = 'held' AND held_at < $1
     RETURNING order_id, event, held_at`,
    [heldBefore],
  );
  for (const row of marked) {
    await recordEarningsException(manager, row.event.metadata, {
      kind: 'order_not_received',
      orderId: row.order_id,
      lineItemId: null,
      consignorId: null,
      detail: { eventId: row.event.metadata.eventId, eventType: row.event.metadata.eventType, heldSince: row.held_at.toISOString() },
    });
  }
  return marked.length;
}

type HeldEvent = ShopifyOrderCancelled | ShopifyOrderUpdated;

/** TypeORM answers an UPDATE with [rows, affected count], unlike an INSERT or a SELECT. */
async function updateReturning<TRow>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<TRow[]> {
  const [rows]: [TRow[], number] = await manager.query(sql, parameters);
  return rows;
}

async function holdOrderChange(manager: EntityManager, metadata: EventMetadata, orderId: string, event: HeldEvent): Promise<void> {
  await manager.query(
    `INSERT INTO held_order_changes (tenant_id, event_id, order_id, event_type, occurred_at, event)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [metadata.tenantId, metadata.eventId, orderId, metadata.eventType, new Date(metadata.occurredAt), JSON.stringify(event)],
  );
}

async function applyHeldOrderChanges(manager: EntityManager, tenantId: string, orderId: string): Promise<PlatformEvent[]> {
  const held = await updateReturning<{ event: HeldEvent }>(
    manager,
    `UPDATE held_order_changes SET state = 'applied', state_changed_at = now()
     WHERE tenant_id = $1 AND order_id = $2 AND state <> 'applied'
     RETURNING event`,
    [tenantId, orderId],
  );
  const inOrder = held.map((row) => row.event).sort((a, b) => a.metadata.occurredAt - b.metadata.occurredAt || a.metadata.eventId.localeCompare(b.metadata.eventId));
  const published: PlatformEvent[] = [];
  for (const event of inOrder) {
    const cancellation = event.metadata.eventType === events.shopifyOrderCancelled.type || (event as ShopifyOrderUpdated).cancelledAt != null;
    published.push(
      ...(await reverseEarnings(manager, event.metadata, orderId, {
        refunds: event.refunds,
        currentQuantities: cancellation ? event.currentQuantities : undefined,
        cancelled: cancellation,
        reason: cancellation ? 'order_cancelled' : 'refunded',
      })),
    );
  }
  return published;
}

/** Appends the reversals a cancellation or refund calls for and records the refund lines it accounted for. */
async function reverseEarnings(
  manager: EntityManager,
  cause: EventMetadata,
  orderId: string,
  change: { refunds: readonly ShopifyRefund[]; currentQuantities: Readonly<Record<string, number>> | undefined; cancelled: boolean; reason: EarningsReversalReason },
): Promise<PlatformEvent[]> {
  const tenantId = cause.tenantId;
  const sales = await recordedSalesOf(manager, tenantId, orderId);
  if (sales.length === 0) return [];
  const plan = planReversals({
    sales,
    refunds: change.refunds,
    claimedRefundLineIds: await claimedRefundLineIds(manager, tenantId, orderId),
    currentQuantities: change.currentQuantities,
    cancelled: change.cancelled,
  });
  const paid = await isOrderPaid(manager, tenantId, orderId);
  const published: PlatformEvent[] = [];
  const entryOfRefundLine = new Map<string, string>();
  for (const { sale, units, amounts, refundLineItemId } of plan.reversals) {
    const entry: LedgerEntry = {
      id: deterministicEventId('earnings-reversal', tenantId, cause.eventId, sale.entryId, refundLineItemId ?? 'current-quantity'),
      tenantId,
      consignorId: sale.consignorId,
      orderId,
      lineItemId: sale.lineItemId,
      itemTitle: sale.itemTitle,
      quantity: units,
      commissionRateBasisPoints: sale.commissionRateBasisPoints,
      amounts,
      currency: sale.currency,
      occurredAt: new Date(cause.occurredAt),
      causeEventId: cause.eventId,
      reversal: { reversesEntryId: sale.entryId, reason: change.reason },
    };
    if (refundLineItemId !== null) entryOfRefundLine.set(refundLineItemId, entry.id);
    if (!(await appendLedgerEntry(manager, entry, paid))) continue;
    published.push(reversalEvent(cause, entry, sale.entryId, change.reason, paid));
  }
  for (const claim of plan.claims) {
    await claimRefundLine(manager, { tenantId, orderId, ...claim, ledgerEntryId: entryOfRefundLine.get(claim.refundLineItemId) ?? null });
  }
  return published;
}

function reversalEvent(cause: EventMetadata, entry: LedgerEntry, reversedLedgerEntryId: string, reason: EarningsReversalReason, paid: boolean): PlatformEvent {
  return {
    definition: events.earningsReversed,
    value: {
      // The entry id already tells apart the reversals one event causes (line and refund line).
      metadata: derivedMetadata(events.earningsReversed, cause, { source: earningsSource, discriminator: entry.id }),
      ledgerEntryId: entry.id,
      reversedLedgerEntryId,
      ...entryFields(entry),
      status: statusOf(paid),
      reason,
      note: null,
    },
  };
}

function entryFields(entry: LedgerEntry): Omit<EarningsRecorded, 'metadata' | 'ledgerEntryId' | 'status'> {
  const money = (amountMinor: number): Money => ({ amountMinor, currency: entry.currency });
  const { amounts } = entry;
  return {
    consignorId: entry.consignorId,
    orderId: entry.orderId,
    lineItemId: entry.lineItemId,
    itemTitle: entry.itemTitle,
    quantity: entry.quantity,
    gross: money(amounts.grossMinor),
    commissionRateBasisPoints: entry.commissionRateBasisPoints,
    consignorShare: money(amounts.consignorShareMinor),
    storeShare: money(amounts.storeShareMinor),
  };
}

function statusOf(paid: boolean): EarningsStatus {
  return paid ? 'earned' : 'pending';
}
