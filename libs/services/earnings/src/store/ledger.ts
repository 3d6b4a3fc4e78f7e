import { EntityManager } from 'typeorm';
import { insertRows } from '@consign/database';
import { EarningsReversalReason } from '@consign/contracts';
import { ShareAmounts } from '../domain/money';
import { SaleEntryState } from '../domain/reversal';

/** One ledger row as written; rows are never changed afterwards (a database trigger refuses it). */
export interface LedgerEntry {
  id: string;
  tenantId: string;
  consignorId: string;
  orderId: string;
  lineItemId: string;
  itemTitle: string;
  quantity: number;
  commissionRateBasisPoints: number;
  amounts: ShareAmounts;
  currency: string;
  /** When the sale, cancellation or refund happened at its source: the day it counts for. */
  occurredAt: Date;
  causeEventId: string;
  reversal: { reversesEntryId: string; reason: EarningsReversalReason } | null;
}

/** A sale entry with what its reversal needs to know. */
export interface RecordedSale extends SaleEntryState {
  consignorId: string;
  itemTitle: string;
}

export interface OrderReceived {
  tenantId: string;
  orderId: string;
  orderName: string;
  currency: string;
  soldAt: Date;
  eventId: string;
}

/** Records that the order arrived; false when it had already. */
export async function recordOrderReceived(manager: EntityManager, order: OrderReceived): Promise<boolean> {
  return (await recordOrdersReceived(manager, [order])).size > 0;
}

/** recordOrderReceived for several orders (each once) in one statement: the "tenant/order" of those that arrived now. */
export async function recordOrdersReceived(manager: EntityManager, orders: readonly OrderReceived[]): Promise<Set<string>> {
  const inserted = await insertRows<{ tenant_id: string; order_id: string }>(
    manager,
    'INSERT INTO earnings_orders (tenant_id, order_id, order_name, currency, sold_at, event_id)',
    orders.map((order) => [order.tenantId, order.orderId, order.orderName, order.currency, order.soldAt, order.eventId]),
    { tail: 'ON CONFLICT (tenant_id, order_id) DO NOTHING RETURNING tenant_id, order_id' },
  );
  return new Set(inserted.map((row) => `${row.tenant_id}/${row.order_id}`));
}

export async function isOrderReceived(manager: EntityManager, tenantId: string, orderId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM earnings_orders WHERE tenant_id = $1 AND order_id = $2', [tenantId, orderId]);
  return rows.length > 0;
}

export async function isOrderPaid(manager: EntityManager, tenantId: string, orderId: string): Promise<boolean> {
  return (await paidOrdersAmong(manager, tenantId, [orderId])).has(orderId);
}

/** Which of these orders are paid, in one statement. */
export async function paidOrdersAmong(manager: EntityManager, tenantId: string, orderIds: readonly string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows: { order_id: string }[] = await manager.query(
    'SELECT order_id FROM order_payments WHERE tenant_id = $1 AND order_id = ANY($2::text[])',
    [tenantId, [...new Set(orderIds)]],
  );
  return new Set(rows.map((row) => row.order_id));
}

/**
 * Records that the order is paid (once; the first payment seen stands) and, in the same
 * transaction, moves its sale entries' consignor shares from pending to earned in the totals.
 */
export async function markOrderPaid(manager: EntityManager, payment: OrderPayment): Promise<void> {
  await markOrdersPaid(manager, [payment]);
}

export interface OrderPayment {
  tenantId: string;
  orderId: string;
  paidAt: Date;
  eventId: string;
}

/** markOrderPaid for several orders (each once) in two statements at most. */
export async function markOrdersPaid(manager: EntityManager, payments: readonly OrderPayment[]): Promise<void> {
  const inserted = await insertRows<{ tenant_id: string; order_id: string }>(
    manager,
    'INSERT INTO order_payments (tenant_id, order_id, paid_at, event_id)',
    payments.map((payment) => [payment.tenantId, payment.orderId, payment.paidAt, payment.eventId]),
    { tail: 'ON CONFLICT (tenant_id, order_id) DO NOTHING RETURNING tenant_id, order_id' },
  );
  if (inserted.length === 0) return;
  // Summed per totals row across the orders: a statement may not update a row twice.
  await manager.query(
    `UPDATE earnings_daily_totals AS totals
     SET pending_minor = totals.pending_minor - sales.amount, earned_minor = totals.earned_minor + sales.amount
     FROM (
       SELECT tenant_id, consignor_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, currency, SUM(consignor_share_minor) AS amount
       FROM earnings_ledger
       WHERE (tenant_id, order_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND entry_type = 'sale'
       GROUP BY 1, 2, 3, 4
     ) AS sales
     WHERE totals.tenant_id = sales.tenant_id AND totals.consignor_id = sales.consignor_id AND totals.day = sales.day AND totals.currency = sales.currency`,
    [inserted.map((row) => row.tenant_id), inserted.map((row) => row.order_id)],
  );
}

/**
 * Appends entries and adds them to the daily totals in the same transaction, one statement each
 * whatever their number (an order's lines, a cancellation's reversals). Returns the ids appended
 * now: an entry already there is neither appended nor counted again.
 */
export async function appendLedgerEntries(
  manager: EntityManager,
  entries: ReadonlyArray<{ entry: LedgerEntry; orderPaid: boolean }>,
): Promise<Set<string>> {
  const appended = await insertRows<{ id: string }>(
    manager,
    `INSERT INTO earnings_ledger (id, tenant_id, entry_type, consignor_id, order_id, line_item_id, item_title, quantity, gross_minor,
       commission_rate_basis_points, consignor_share_minor, store_share_minor, currency, reverses_entry_id, reversal_reason, occurred_at, cause_event_id)`,
    entries.map(({ entry }) => [
      entry.id,
      entry.tenantId,
      entry.reversal === null ? 'sale' : 'reversal',
      entry.consignorId,
      entry.orderId,
      entry.lineItemId,
      entry.itemTitle,
      entry.quantity,
      entry.amounts.grossMinor,
      entry.commissionRateBasisPoints,
      entry.amounts.consignorShareMinor,
      entry.amounts.storeShareMinor,
      entry.currency,
      entry.reversal?.reversesEntryId ?? null,
      entry.reversal?.reason ?? null,
      entry.occurredAt,
      entry.causeEventId,
    ]),
    { tail: 'ON CONFLICT DO NOTHING RETURNING id' },
  );
  const appendedIds = new Set(appended.map((row) => row.id));
  // One row per consignor, day and currency: a statement may not update a row twice.
  const totals = new Map<string, unknown[]>();
  for (const { entry, orderPaid } of entries) {
    if (!appendedIds.has(entry.id)) continue;
    // The day the entry counts for, in UTC, as the totals' readers take it.
    const day = entry.occurredAt.toISOString().slice(0, 10);
    const key = JSON.stringify([entry.tenantId, entry.consignorId, day, entry.currency]);
    const deltas = totalsDeltasOf(entry, orderPaid);
    const row = totals.get(key);
    if (row === undefined) totals.set(key, [entry.tenantId, entry.consignorId, day, entry.currency, ...deltas]);
    else deltas.forEach((delta, index) => (row[4 + index] = (row[4 + index] as number) + delta));
  }
  await insertRows(
    manager,
    `INSERT INTO earnings_daily_totals AS totals (tenant_id, consignor_id, day, currency, pending_minor, earned_minor, reversed_minor,
       gross_sold_minor, gross_reversed_minor, store_share_sold_minor, store_share_reversed_minor)`,
    [...totals.values()],
    {
      tail: `ON CONFLICT (tenant_id, consignor_id, day, currency) DO UPDATE SET
       pending_minor = totals.pending_minor + excluded.pending_minor,
       earned_minor = totals.earned_minor + excluded.earned_minor,
       reversed_minor = totals.reversed_minor + excluded.reversed_minor,
       gross_sold_minor = totals.gross_sold_minor + excluded.gross_sold_minor,
       gross_reversed_minor = totals.gross_reversed_minor + excluded.gross_reversed_minor,
       store_share_sold_minor = totals.store_share_sold_minor + excluded.store_share_sold_minor,
       store_share_reversed_minor = totals.store_share_reversed_minor + excluded.store_share_reversed_minor`,
    },
  );
  return appendedIds;
}

/** pending, earned, reversed, gross sold, gross reversed, store share sold, store share reversed. */
function totalsDeltasOf(entry: LedgerEntry, orderPaid: boolean): number[] {
  const { grossMinor, consignorShareMinor, storeShareMinor } = entry.amounts;
  return entry.reversal === null
    ? [orderPaid ? 0 : consignorShareMinor, orderPaid ? consignorShareMinor : 0, 0, grossMinor, 0, storeShareMinor, 0]
    : [0, 0, consignorShareMinor, 0, grossMinor, 0, storeShareMinor];
}

interface SaleRow {
  id: string;
  consignor_id: string;
  line_item_id: string;
  item_title: string;
  quantity: number;
  commission_rate_basis_points: number;
  gross_minor: string;
  consignor_share_minor: string;
  store_share_minor: string;
  currency: string;
  reversed_units: string;
  reversed_gross_minor: string;
  reversed_consignor_share_minor: string;
  reversed_store_share_minor: string;
}

/** The order's sale entries, each with the units and amounts already reversed. */
export async function recordedSalesOf(manager: EntityManager, tenantId: string, orderId: string): Promise<RecordedSale[]> {
  const rows: SaleRow[] = await manager.query(
    `SELECT sale.id, sale.consignor_id, sale.line_item_id, sale.item_title, sale.quantity, sale.commission_rate_basis_points,
            sale.gross_minor, sale.consignor_share_minor, sale.store_share_minor, sale.currency,
            COALESCE(reversed.units, 0) AS reversed_units, COALESCE(reversed.gross, 0) AS reversed_gross_minor,
            COALESCE(reversed.consignor_share, 0) AS reversed_consignor_share_minor, COALESCE(reversed.store_share, 0) AS reversed_store_share_minor
     FROM earnings_ledger AS sale
     LEFT JOIN LATERAL (
       SELECT SUM(quantity) AS units, SUM(gross_minor) AS gross, SUM(consignor_share_minor) AS consignor_share, SUM(store_share_minor) AS store_share
       FROM earnings_ledger AS reversal WHERE reversal.reverses_entry_id = sale.id
     ) AS reversed ON true
     WHERE sale.tenant_id = $1 AND sale.order_id = $2 AND sale.entry_type = 'sale'
     ORDER BY sale.line_item_id`,
    [tenantId, orderId],
  );
  return rows.map((row) => ({
    entryId: row.id,
    lineItemId: row.line_item_id,
    quantity: row.quantity,
    amounts: {
      grossMinor: Number(row.gross_minor),
      consignorShareMinor: Number(row.consignor_share_minor),
      storeShareMinor: Number(row.store_share_minor),
    },
    reversedUnits: Number(row.reversed_units),
    reversedAmounts: {
      grossMinor: Number(row.reversed_gross_minor),
      consignorShareMinor: Number(row.reversed_consignor_share_minor),
      storeShareMinor: Number(row.reversed_store_share_minor),
    },
    consignorId: row.consignor_id,
    itemTitle: row.item_title,
    commissionRateBasisPoints: row.commission_rate_basis_points,
    currency: row.currency,
  }));
}

export async function claimedRefundLineIds(manager: EntityManager, tenantId: string, orderId: string): Promise<Set<string>> {
  const rows: { refund_line_item_id: string }[] = await manager.query(
    'SELECT refund_line_item_id FROM reversed_refund_lines WHERE tenant_id = $1 AND order_id = $2',
    [tenantId, orderId],
  );
  return new Set(rows.map((row) => row.refund_line_item_id));
}

export async function claimRefundLine(
  manager: EntityManager,
  claim: {
    tenantId: string;
    orderId: string;
    refundLineItemId: string;
    refundId: string;
    lineItemId: string;
    ledgerEntryId: string | null;
  },
): Promise<void> {
  await manager.query(
    `INSERT INTO reversed_refund_lines (tenant_id, refund_line_item_id, refund_id, order_id, line_item_id, ledger_entry_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, refund_line_item_id) DO NOTHING`,
    [claim.tenantId, claim.refundLineItemId, claim.refundId, claim.orderId, claim.lineItemId, claim.ledgerEntryId],
  );
}
