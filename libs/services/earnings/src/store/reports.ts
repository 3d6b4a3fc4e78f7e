import { EntityManager } from 'typeorm';
import { EarningsReversalReason, EarningsStatus } from '@consign/contracts';

/** A period of UTC days, both ends included; an absent end is open. */
export interface ReportPeriod {
  from: string | null;
  to: string | null;
}

/**
 * Totals of one currency (never added across currencies). Consignor shares: earned (order paid),
 * pending (not paid yet), reversed, and net = earned + pending − reversed. Gross and store share
 * are net of reversals.
 */
export interface EarningsTotals {
  currency: string;
  earnedMinor: number;
  pendingMinor: number;
  reversedMinor: number;
  netMinor: number;
  grossMinor: number;
  storeShareMinor: number;
}

export interface ConsignorEarningsTotals extends EarningsTotals {
  consignorId: string;
}

export interface LedgerEntryView {
  id: string;
  type: 'sale' | 'reversal';
  consignorId: string;
  orderId: string;
  lineItemId: string;
  itemTitle: string;
  quantity: number;
  grossMinor: number;
  commissionRateBasisPoints: number;
  consignorShareMinor: number;
  storeShareMinor: number;
  currency: string;
  /** The order's payment status now: earned once it is paid. */
  status: EarningsStatus;
  reversesEntryId: string | null;
  reason: EarningsReversalReason | null;
  occurredAt: string;
}

export interface EarningsExceptionView {
  id: string;
  kind: string;
  orderId: string | null;
  lineItemId: string | null;
  consignorId: string | null;
  detail: Record<string, unknown>;
  causeEventId: string;
  occurredAt: string;
  recordedAt: string;
  /** When what it waited for arrived (an order, product or consignor held for): null while open. */
  resolvedAt: string | null;
}

export interface ConsignorEarningsReport {
  tenantId: string;
  consignorId: string;
  period: ReportPeriod;
  totals: EarningsTotals[];
  entries: LedgerEntryView[];
}

export interface ClientEarningsReport {
  tenantId: string;
  period: ReportPeriod;
  totals: EarningsTotals[];
  consignors: ConsignorEarningsTotals[];
}

export interface OrderEarningsReport {
  tenantId: string;
  orderId: string;
  orderName: string;
  currency: string;
  paid: boolean;
  entries: LedgerEntryView[];
}

const totalsColumns = `
  SUM(earned_minor)::text AS earned, SUM(pending_minor)::text AS pending, SUM(reversed_minor)::text AS reversed,
  SUM(gross_sold_minor - gross_reversed_minor)::text AS gross, SUM(store_share_sold_minor - store_share_reversed_minor)::text AS store_share`;
const inPeriod = (column: string, from: number, to: number) =>
  `($${from}::date IS NULL OR ${column} >= $${from}::date) AND ($${to}::date IS NULL OR ${column} <= $${to}::date)`;

interface TotalsRow {
  consignor_id?: string;
  currency: string;
  earned: string;
  pending: string;
  reversed: string;
  gross: string;
  store_share: string;
}

/** One consignor's totals per currency over the period, read from the daily totals, and the entries behind them. */
export async function consignorEarnings(
  manager: EntityManager,
  tenantId: string,
  consignorId: string,
  period: ReportPeriod,
): Promise<ConsignorEarningsReport> {
  const totals: TotalsRow[] = await manager.query(
    `SELECT currency, ${totalsColumns} FROM earnings_daily_totals
     WHERE tenant_id = $1 AND consignor_id = $2 AND ${inPeriod('day', 3, 4)}
     GROUP BY currency ORDER BY currency`,
    [tenantId, consignorId, period.from, period.to],
  );
  const entries = await ledgerEntries(manager, `l.consignor_id = $2 AND ${inPeriod("(l.occurred_at AT TIME ZONE 'UTC')::date", 3, 4)}`, [
    tenantId,
    consignorId,
    period.from,
    period.to,
  ]);
  return { tenantId, consignorId, period, totals: totals.map(totalsFrom), entries };
}

/** A client store's totals per consignor and currency over the period, and per currency overall. */
export async function clientEarnings(manager: EntityManager, tenantId: string, period: ReportPeriod): Promise<ClientEarningsReport> {
  const rows: TotalsRow[] = await manager.query(
    `SELECT consignor_id, currency, ${totalsColumns} FROM earnings_daily_totals
     WHERE tenant_id = $1 AND ${inPeriod('day', 2, 3)}
     GROUP BY consignor_id, currency ORDER BY consignor_id, currency`,
    [tenantId, period.from, period.to],
  );
  const totals: TotalsRow[] = await manager.query(
    `SELECT currency, ${totalsColumns} FROM earnings_daily_totals
     WHERE tenant_id = $1 AND ${inPeriod('day', 2, 3)}
     GROUP BY currency ORDER BY currency`,
    [tenantId, period.from, period.to],
  );
  return {
    tenantId,
    period,
    totals: totals.map(totalsFrom),
    consignors: rows.map((row) => ({ consignorId: row.consignor_id ?? '', ...totalsFrom(row) })),
  };
}

/** The order's entries (what the reconciler compares with Shopify); undefined when the order never arrived. */
export async function orderEarnings(manager: EntityManager, tenantId: string, orderId: string): Promise<OrderEarningsReport | undefined> {
  const orders: { order_name: string; currency: string; paid: boolean }[] = await manager.query(
    `SELECT o.order_name, o.currency, EXISTS (SELECT 1 FROM order_payments p WHERE p.tenant_id = o.tenant_id AND p.order_id = o.order_id) AS paid
     FROM earnings_orders o WHERE o.tenant_id = $1 AND o.order_id = $2`,
    [tenantId, orderId],
  );
  if (orders.length === 0) return undefined;
  const entries = await ledgerEntries(manager, 'l.order_id = $2', [tenantId, orderId]);
  return { tenantId, orderId, orderName: orders[0].order_name, currency: orders[0].currency, paid: orders[0].paid, entries };
}

export async function listEarningsExceptions(
  manager: EntityManager,
  tenantId: string,
  kind: string | null,
): Promise<EarningsExceptionView[]> {
  const rows: {
    id: string;
    kind: string;
    order_id: string | null;
    line_item_id: string | null;
    consignor_id: string | null;
    detail: Record<string, unknown>;
    cause_event_id: string;
    occurred_at: Date;
    recorded_at: Date;
    resolved_at: Date | null;
  }[] = await manager.query(
    `SELECT id, kind, order_id, line_item_id, consignor_id, detail, cause_event_id, occurred_at, recorded_at, resolved_at FROM earnings_exceptions
     WHERE tenant_id = $1 AND ($2::text IS NULL OR kind = $2)
     ORDER BY occurred_at, id`,
    [tenantId, kind],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    orderId: row.order_id,
    lineItemId: row.line_item_id,
    consignorId: row.consignor_id,
    detail: row.detail,
    causeEventId: row.cause_event_id,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  }));
}

interface EntryRow {
  id: string;
  entry_type: 'sale' | 'reversal';
  consignor_id: string;
  order_id: string;
  line_item_id: string;
  item_title: string;
  quantity: number;
  gross_minor: string;
  commission_rate_basis_points: number;
  consignor_share_minor: string;
  store_share_minor: string;
  currency: string;
  paid: boolean;
  reverses_entry_id: string | null;
  reversal_reason: EarningsReversalReason | null;
  occurred_at: Date;
}

async function ledgerEntries(manager: EntityManager, condition: string, parameters: unknown[]): Promise<LedgerEntryView[]> {
  const rows: EntryRow[] = await manager.query(
    `SELECT l.id, l.entry_type, l.consignor_id, l.order_id, l.line_item_id, l.item_title, l.quantity, l.gross_minor, l.commission_rate_basis_points,
            l.consignor_share_minor, l.store_share_minor, l.currency, (p.order_id IS NOT NULL) AS paid, l.reverses_entry_id, l.reversal_reason, l.occurred_at
     FROM earnings_ledger l
     LEFT JOIN order_payments p ON p.tenant_id = l.tenant_id AND p.order_id = l.order_id
     WHERE l.tenant_id = $1 AND ${condition}
     ORDER BY l.occurred_at, l.order_id, l.line_item_id, l.entry_type DESC, l.id`,
    parameters,
  );
  return rows.map((row) => ({
    id: row.id,
    type: row.entry_type,
    consignorId: row.consignor_id,
    orderId: row.order_id,
    lineItemId: row.line_item_id,
    itemTitle: row.item_title,
    quantity: row.quantity,
    grossMinor: Number(row.gross_minor),
    commissionRateBasisPoints: row.commission_rate_basis_points,
    consignorShareMinor: Number(row.consignor_share_minor),
    storeShareMinor: Number(row.store_share_minor),
    currency: row.currency,
    status: row.paid ? 'earned' : 'pending',
    reversesEntryId: row.reverses_entry_id,
    reason: row.reversal_reason,
    occurredAt: row.occurred_at.toISOString(),
  }));
}

function totalsFrom(row: TotalsRow): EarningsTotals {
  const earnedMinor = Number(row.earned);
  const pendingMinor = Number(row.pending);
  const reversedMinor = Number(row.reversed);
  return {
    currency: row.currency,
    earnedMinor,
    pendingMinor,
    reversedMinor,
    netMinor: earnedMinor + pendingMinor - reversedMinor,
    grossMinor: Number(row.gross),
    storeShareMinor: Number(row.store_share),
  };
}
