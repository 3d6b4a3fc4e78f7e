import { EntityManager } from 'typeorm';
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

/** Records that the order arrived; false when it had already. */
export async function recordOrderReceived(
  manager: EntityManager,
  order: { tenantId: string; orderId: string; orderName: string; currency: string; soldAt: Date; eventId: string },
): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO earnings_orders (tenant_id, order_id, order_name, currency, sold_at, event_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, order_id) DO NOTHING
     RETURNING order_id`,
    [order.tenantId, order.orderId, order.orderName, order.currency, order.soldAt, order.eventId],
  );
  return inserted.length > 0;
}

export async function isOrderReceived(manager: EntityManager, tenantId: string, orderId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM earnings_orders WHERE tenant_id = $1 AND order_id = $2', [tenantId, orderId]);
  return rows.length > 0;
}

export async function isOrderPaid(manager: EntityManager, tenantId: string, orderId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM order_payments WHERE tenant_id = $1 AND order_id = $2', [tenantId, orderId]);
  return rows.length > 0;
}

/**
 * Records that the order is paid (once; the first payment seen stands) and, in the same
 * transaction, moves its sale entries' consignor shares from pending to earned in the totals.
 */
export async function markOrderPaid(manager: EntityManager, payment: { tenantId: string; orderId: string; paidAt: Date; eventId: string }): Promise<void> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO order_payments (tenant_id, order_id, paid_at, event_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, order_id) DO NOTHING
     RETURNING order_id`,
    [payment.tenantId, payment.orderId, payment.paidAt, payment.eventId],
  );
  if (inserted.length === 0) return;
  await manager.query(
    `UPDATE earnings_daily_totals AS totals
     SET pending_minor = totals.pending_minor - sales.amount, earned_minor = totals.earned_minor + sales.amount
     FROM (
       SELECT consignor_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, currency, SUM(consignor_share_minor) AS amount
       FROM earnings_ledger
       WHERE tenant_id = $1 AND order_id = $2 AND entry_type = 'sale'
       GROUP BY 1, 2, 3
     ) AS sales
     WHERE totals.tenant_id = $1 AND totals.consignor_id = sales.consignor_id AND totals.day = sales.day AND totals.currency = sales.currency`,
    [payment.tenantId, payment.orderId],
  );
}

/** Appends an entry and adds it to the daily totals in the same transaction; false when it was already there. */
export async function appendLedgerEntry(manager: EntityManager, entry: LedgerEntry, orderPaid: boolean): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO earnings_ledger (id, tenant_id, entry_type, consignor_id, order_id, line_item_id, item_title, quantity, gross_minor,
       commission_rate_basis_points, consignor_share_minor, store_share_minor, currency, reverses_entry_id, reversal_reason, occurred_at, cause_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [
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
    ],
  );
  if (inserted.length === 0) return false;
  const { grossMinor, consignorShareMinor, storeShareMinor } = entry.amounts;
  const sale = entry.reversal === null;
  // pending, earned, reversed, gross sold, gross reversed, store share sold, store share reversed
  const deltas = sale
    ? [orderPaid ? 0 : consignorShareMinor, orderPaid ? consignorShareMinor : 0, 0, grossMinor, 0, storeShareMinor, 0]
    : [0, 0, consignorShareMinor, 0, grossMinor, 0, storeShareMinor];
  await manager.query(
    `INSERT INTO earnings_daily_totals AS totals (tenant_id, consignor_id, day, currency, pending_minor, earned_minor, reversed_minor,
       gross_sold_minor, gross_reversed_minor, store_share_sold_minor, store_share_reversed_minor)
     VALUES ($1, $2, ($3::timestamptz AT TIME ZONE 'UTC')::date, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, consignor_id, day, currency) DO UPDATE SET
       pending_minor = totals.pending_minor + excluded.pending_minor,
       earned_minor = totals.earned_minor + excluded.earned_minor,
       reversed_minor = totals.reversed_minor + excluded.reversed_minor,
       gross_sold_minor = totals.gross_sold_minor + excluded.gross_sold_minor,
       gross_reversed_minor = totals.gross_reversed_minor + excluded.gross_reversed_minor,
       store_share_sold_minor = totals.store_share_sold_minor + excluded.store_share_sold_minor,
       store_share_reversed_minor = totals.store_share_reversed_minor + excluded.store_share_reversed_minor`,
    [entry.tenantId, entry.consignorId, entry.occurredAt, entry.currency, ...deltas],
  );
  return true;
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
    amounts: { grossMinor: Number(row.gross_minor), consignorShareMinor: Number(row.consignor_share_minor), storeShareMinor: Number(row.store_share_minor) },
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
  const rows: { refund_line_item_id: string }[] = await manager.query('SELECT refund_line_item_id FROM reversed_refund_lines WHERE tenant_id = $1 AND order_id = $2', [
    tenantId,
    orderId,
  ]);
  return new Set(rows.map((row) => row.refund_line_item_id));
}

export async function claimRefundLine(
  manager: EntityManager,
  claim: { tenantId: string; orderId: string; refundLineItemId: string; refundId: string; lineItemId: string; ledgerEntryId: string | null },
): Promise<void> {
  await manager.query(
    `INSERT INTO reversed_refund_lines (tenant_id, refund_line_item_id, refund_id, order_id, line_item_id, ledger_entry_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, refund_line_item_id) DO NOTHING`,
    [claim.tenantId, claim.refundLineItemId, claim.refundId, claim.orderId, claim.lineItemId, claim.ledgerEntryId],
  );
}
