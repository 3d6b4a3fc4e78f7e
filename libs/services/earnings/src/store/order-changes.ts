import { EntityManager } from 'typeorm';
import {
  deterministicEventId,
  EarningsReversalReason,
  EventMetadata,
  events,
  PlatformEvent,
  ShopifyOrderCancelled,
  ShopifyOrderUpdated,
  ShopifyRefund,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { planReversals } from '../domain/reversal';
import { recordEarningsException, resolveEarningsExceptions } from './exceptions';
import {
  appendLedgerEntries,
  claimedRefundLineIds,
  claimRefundLine,
  isOrderPaid,
  isOrderReceived,
  LedgerEntry,
  recordedSalesOf,
} from './ledger';
import { earningsReversedEvent } from './published-events';

/** The order events that take units off an order's lines: cancellations and refunds. */
export type OrderChangeEvent = ShopifyOrderUpdated | ShopifyOrderCancelled | ShopifyRefundCreated;

interface OrderChange {
  refunds: readonly ShopifyRefund[];
  currentQuantities: Readonly<Record<string, number>> | undefined;
  cancelled: boolean;
  reason: EarningsReversalReason;
}

/**
 * Applies an order change; the caller holds the order's lock. One for an order not received yet is
 * held until it arrives. Otherwise its reversals are appended, and while lines of the order are
 * still held (their product or consignor not known yet) it is also kept, to be applied to them
 * once they are evaluated.
 */
export async function applyOrderChange(manager: EntityManager, orderId: string, event: OrderChangeEvent): Promise<PlatformEvent[]> {
  const { metadata } = event;
  if (!(await isOrderReceived(manager, metadata.tenantId, orderId))) {
    await keepOrderChange(manager, orderId, event, 'held');
    return [];
  }
  await keepOrderChange(manager, orderId, event, 'kept_for_held_lines');
  return reverseEarnings(manager, metadata, orderId, orderChangeOf(event));
}

/** The order has arrived: the changes held for it are applied, in the order they happened, and their exceptions closed. */
export async function applyHeldOrderChanges(manager: EntityManager, tenantId: string, orderId: string): Promise<PlatformEvent[]> {
  const held = await updateReturning<{ event: OrderChangeEvent }>(
    manager,
    // clock_timestamp(), not now(): state_changed_at orders the changes by when they were applied
    // (applyPastOrderChanges), and events applied in one unit of work share one transaction's now().
    `UPDATE held_order_changes SET state = 'applied', state_changed_at = clock_timestamp()
     WHERE tenant_id = $1 AND order_id = $2 AND state IN ('held', 'awaiting_reconciliation')
     RETURNING event`,
    [tenantId, orderId],
  );
  if (held.length === 0) return [];
  await resolveEarningsExceptions(manager, { tenantId, kind: 'order_not_received', orderId, lineItemId: null });
  const published: PlatformEvent[] = [];
  for (const event of inTheOrderTheyHappened(held.map((row) => row.event))) {
    published.push(...(await reverseEarnings(manager, event.metadata, orderId, orderChangeOf(event))));
  }
  return published;
}

/**
 * Applies to sale entries appended after their order's changes (lines evaluated late) every change
 * the order has had, as if the entries had been there all along: in the order the order's other
 * entries had them applied (when each was applied, then as applyHeldOrderChanges orders those
 * applied together), not the order they happened. Whichever change came first claims a refund line
 * and dates its reversal, and a rebuild, which may evaluate a line late that live processing did
 * not, must end with the same books. The caller holds the order's lock.
 */
export async function applyPastOrderChanges(
  manager: EntityManager,
  tenantId: string,
  orderId: string,
  entryIds: ReadonlySet<string>,
): Promise<PlatformEvent[]> {
  const applied: { event: OrderChangeEvent }[] = await manager.query(
    `SELECT event FROM held_order_changes WHERE tenant_id = $1 AND order_id = $2 AND state IN ('applied', 'kept_for_held_lines')
     ORDER BY state_changed_at, occurred_at, event_id`,
    [tenantId, orderId],
  );
  const published: PlatformEvent[] = [];
  for (const { event } of applied) {
    published.push(...(await reverseEarnings(manager, event.metadata, orderId, orderChangeOf(event), entryIds)));
  }
  return published;
}

/**
 * Marks order changes held longer than the grace period (held before `heldBefore`) as awaiting
 * reconciliation, with an exception the store owner sees. They are still applied should their
 * order arrive later. Returns how many were marked.
 */
export async function escalateOverdueOrderChanges(manager: EntityManager, heldBefore: Date): Promise<number> {
  const marked = await updateReturning<{ order_id: string; event: OrderChangeEvent }>(
    manager,
    `UPDATE held_order_changes SET state = 'awaiting_reconciliation', state_changed_at = now()
     WHERE state = 'held' AND held_at < $1
     RETURNING order_id, event`,
    [heldBefore],
  );
  for (const row of marked) {
    await recordEarningsException(manager, row.event.metadata, {
      kind: 'order_not_received',
      orderId: row.order_id,
      lineItemId: null,
      consignorId: null,
      detail: { eventId: row.event.metadata.eventId, eventType: row.event.metadata.eventType },
    });
  }
  return marked.length;
}

/** What a change says of the order's lines, whichever event carries it. */
function orderChangeOf(event: OrderChangeEvent): OrderChange {
  switch (event.metadata.eventType) {
    case events.shopifyRefundCreated.type:
      return { refunds: [(event as ShopifyRefundCreated).refund], currentQuantities: undefined, cancelled: false, reason: 'refunded' };
    case events.shopifyOrderCancelled.type:
      return {
        refunds: (event as ShopifyOrderCancelled).refunds,
        currentQuantities: (event as ShopifyOrderCancelled).currentQuantities,
        cancelled: true,
        reason: 'order_cancelled',
      };
    default: {
      // An update of a cancelled order (cancelled_at set) voids like the cancellation, whichever arrives first.
      const update = event as ShopifyOrderUpdated;
      const cancelled = update.cancelledAt != null;
      return { refunds: update.refunds, currentQuantities: undefined, cancelled, reason: cancelled ? 'order_cancelled' : 'refunded' };
    }
  }
}

function inTheOrderTheyHappened(changes: OrderChangeEvent[]): OrderChangeEvent[] {
  return [...changes].sort((a, b) => a.metadata.occurredAt - b.metadata.occurredAt || a.metadata.eventId.localeCompare(b.metadata.eventId));
}

/**
 * Keeps a change: held for an order not received, or applied and kept for the order's held lines
 * (not kept when none is held: the order's entries already have it).
 */
async function keepOrderChange(
  manager: EntityManager,
  orderId: string,
  event: OrderChangeEvent,
  state: 'held' | 'kept_for_held_lines',
): Promise<void> {
  const { metadata } = event;
  await manager.query(
    `INSERT INTO held_order_changes (tenant_id, event_id, order_id, event_type, occurred_at, event, state, state_changed_at)
     SELECT $1::text, $2::text, $3::text, $4::text, $5::timestamptz, $6::jsonb, $7::text, CASE WHEN $7::text = 'kept_for_held_lines' THEN clock_timestamp() END
     WHERE $7::text = 'held' OR EXISTS (SELECT 1 FROM held_order_lines WHERE tenant_id = $1 AND order_id = $3 AND state <> 'applied')
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [metadata.tenantId, metadata.eventId, orderId, metadata.eventType, new Date(metadata.occurredAt), JSON.stringify(event), state],
  );
}

/**
 * Appends the reversals a cancellation or refund calls for (to the given entries only, when named)
 * and records the refund lines it accounted for.
 */
async function reverseEarnings(
  manager: EntityManager,
  cause: EventMetadata,
  orderId: string,
  change: OrderChange,
  onlyEntryIds?: ReadonlySet<string>,
): Promise<PlatformEvent[]> {
  const tenantId = cause.tenantId;
  const sales = (await recordedSalesOf(manager, tenantId, orderId)).filter(
    (sale) => onlyEntryIds === undefined || onlyEntryIds.has(sale.entryId),
  );
  if (sales.length === 0) return [];
  const plan = planReversals({
    sales,
    refunds: change.refunds,
    claimedRefundLineIds: await claimedRefundLineIds(manager, tenantId, orderId),
    currentQuantities: change.currentQuantities,
    cancelled: change.cancelled,
  });
  const paid = await isOrderPaid(manager, tenantId, orderId);
  const reversals: Array<{ entry: LedgerEntry; reversedEntryId: string }> = [];
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
    reversals.push({ entry, reversedEntryId: sale.entryId });
  }
  const appended = await appendLedgerEntries(
    manager,
    reversals.map(({ entry }) => ({ entry, orderPaid: paid })),
  );
  const published = reversals
    .filter(({ entry }) => appended.has(entry.id))
    .map(({ entry, reversedEntryId }) => earningsReversedEvent(cause, entry, reversedEntryId, change.reason, paid));
  for (const claim of plan.claims) {
    await claimRefundLine(manager, { tenantId, orderId, ...claim, ledgerEntryId: entryOfRefundLine.get(claim.refundLineItemId) ?? null });
  }
  return published;
}

/**
 * Forgets what was kept only for held lines of these orders once none of their lines waits any
 * more: the lines are in the ledger and the changes applied to them, so what remains is what
 * in-order processing (which never held them) leaves too.
 */
export async function forgetSettledHolds(manager: EntityManager, tenantId: string, orderIds: readonly string[]): Promise<void> {
  const settled = `order_id = ANY($2::text[]) AND NOT EXISTS (SELECT 1 FROM held_order_lines AS waiting WHERE waiting.tenant_id = $1 AND waiting.order_id = kept.order_id AND waiting.state <> 'applied')`;
  await manager.query(`DELETE FROM held_order_lines AS kept WHERE tenant_id = $1 AND state = 'applied' AND ${settled}`, [
    tenantId,
    orderIds,
  ]);
  await manager.query(`DELETE FROM held_order_changes AS kept WHERE tenant_id = $1 AND state = 'kept_for_held_lines' AND ${settled}`, [
    tenantId,
    orderIds,
  ]);
}

/** TypeORM answers an UPDATE with [rows, affected count], unlike an INSERT or a SELECT. */
export async function updateReturning<TRow>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<TRow[]> {
  const [rows]: [TRow[], number] = await manager.query(sql, parameters);
  return rows;
}
