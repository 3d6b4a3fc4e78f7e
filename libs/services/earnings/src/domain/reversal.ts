import { orderLineTarget, ShopifyRefund, ShopifyRefundLineItem } from '@consign/contracts';
import { amountsLeft, proRataAmounts, refundedAmounts, ShareAmounts } from './money';

/** A sale entry of the order, with how much of it is already reversed. */
export interface SaleEntryState {
  entryId: string;
  lineItemId: string;
  quantity: number;
  amounts: ShareAmounts;
  commissionRateBasisPoints: number;
  currency: string;
  reversedUnits: number;
  /** The sums of the reversals appended so far. */
  reversedAmounts: ShareAmounts;
}

export interface PlannedReversal<TSale extends SaleEntryState = SaleEntryState> {
  sale: TSale;
  units: number;
  amounts: ShareAmounts;
  /** The refund line that asked for it; null for units a cancellation left the line without a refund line. */
  refundLineItemId: string | null;
}

/** A refund line this plan accounts for: it must never be reversed again, even when it reverses nothing. */
export interface RefundLineClaim {
  refundLineItemId: string;
  refundId: string;
  lineItemId: string;
}

export interface ReversalPlan<TSale extends SaleEntryState = SaleEntryState> {
  reversals: PlannedReversal<TSale>[];
  claims: RefundLineClaim[];
}

export interface ReversalInput<TSale extends SaleEntryState = SaleEntryState> {
  sales: readonly TSale[];
  refunds: readonly ShopifyRefund[];
  /** Refund lines already accounted for by an earlier event. */
  claimedRefundLineIds: ReadonlySet<string>;
  /** A cancellation's current quantity of each line; a line below its ordered quantity lost those units. */
  currentQuantities?: Readonly<Record<string, number>>;
  /** The order was cancelled: every unit not reversed yet is voided (orderLineTarget). */
  cancelled?: boolean;
}

/**
 * Which units of the order's sale entries to reverse, and for how much. Refund lines not seen
 * before come first, each taking at most the units still unreversed on its line; then each line is
 * brought to what the platform's order-line rule says it lost (orderLineTarget): every unit for a
 * cancellation, the units below its current quantity otherwise. Reversed units only ever grow
 * toward the line's quantity, so no unit is reversed twice whatever the order or repetition of events.
 *
 * A refund line reverses the money Shopify says it refunded (its subtotal, after the line's
 * discount); units voided without one are reversed pro rata of what is left. Whichever reversal
 * takes a line's last units takes exactly what is left, so a fully reversed line nets to zero.
 */
export function planReversals<TSale extends SaleEntryState>(input: ReversalInput<TSale>): ReversalPlan<TSale> {
  const progress = input.sales.map((sale) => ({ sale, units: sale.reversedUnits, amounts: sale.reversedAmounts }));
  const progressByLine = new Map(progress.map((entry) => [entry.sale.lineItemId, entry]));
  const claimed = new Set(input.claimedRefundLineIds);
  const plan: ReversalPlan<TSale> = { reversals: [], claims: [] };

  const reverse = (entry: (typeof progress)[number], requestedUnits: number, refundLine: ShopifyRefundLineItem | null): void => {
    const { sale } = entry;
    const unitsLeft = sale.quantity - entry.units;
    const units = Math.min(requestedUnits, unitsLeft);
    if (units <= 0) return;
    const left = amountsLeft(sale.amounts, entry.amounts);
    const refunded = refundLine === null ? undefined : refundedMinor(refundLine, sale.currency);
    const amounts =
      units === unitsLeft || refunded === undefined
        ? proRataAmounts(left, unitsLeft, units)
        : refundedAmounts(left, refunded, sale.commissionRateBasisPoints);
    entry.units += units;
    entry.amounts = sumOf(entry.amounts, amounts);
    plan.reversals.push({ sale, units, amounts, refundLineItemId: refundLine?.id ?? null });
  };

  for (const refund of input.refunds) {
    for (const refundLine of refund.refundLineItems) {
      const entry = progressByLine.get(refundLine.lineItemId);
      if (entry === undefined || claimed.has(refundLine.id)) continue;
      claimed.add(refundLine.id);
      plan.claims.push({ refundLineItemId: refundLine.id, refundId: refund.id, lineItemId: refundLine.lineItemId });
      reverse(entry, wholeUnits(refundLine.quantity), refundLine);
    }
  }

  for (const entry of progress) {
    const current = input.currentQuantities?.[entry.sale.lineItemId];
    const target = orderLineTarget({
      quantity: entry.sale.quantity,
      // Every reversal so far answered a refund line or this rule: either way those units are gone.
      refundedUnits: entry.units,
      restockedByRefundsUnits: 0,
      cancelled: input.cancelled ?? false,
      currentQuantity: current !== undefined && Number.isSafeInteger(current) ? current : undefined,
    });
    reverse(entry, target.removedUnits - entry.units, null);
  }
  return plan;
}

/** The refund line's subtotal when it can be taken as money of the sale; undefined: reverse pro rata instead. */
function refundedMinor(refundLine: ShopifyRefundLineItem, saleCurrency: string): number | undefined {
  const { amountMinor, currency } = refundLine.subtotal;
  return currency === saleCurrency && Number.isSafeInteger(amountMinor) && amountMinor >= 0 ? amountMinor : undefined;
}

function sumOf(a: ShareAmounts, b: ShareAmounts): ShareAmounts {
  return {
    grossMinor: a.grossMinor + b.grossMinor,
    consignorShareMinor: a.consignorShareMinor + b.consignorShareMinor,
    storeShareMinor: a.storeShareMinor + b.storeShareMinor,
  };
}

function wholeUnits(quantity: number): number {
  return Number.isSafeInteger(quantity) && quantity > 0 ? quantity : 0;
}
