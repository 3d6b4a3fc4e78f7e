import { orderLineTarget, ShopifyRefund } from '@consign/contracts';
import { reversalAmounts, ShareAmounts } from './money';

/** A sale entry of the order, with how many of its units are already reversed. */
export interface SaleEntryState {
  entryId: string;
  lineItemId: string;
  quantity: number;
  amounts: ShareAmounts;
  reversedUnits: number;
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
 * Which units of the order's sale entries to reverse. Refund lines not seen before come first, each
 * taking at most the units still unreversed on its line; then each line is brought to what the
 * platform's order-line rule says it lost (orderLineTarget): every unit for a cancellation, the
 * units below its current quantity otherwise. Reversed units only ever grow toward the line's
 * quantity, so no unit is reversed twice whatever the order or repetition of events.
 */
export function planReversals<TSale extends SaleEntryState>(input: ReversalInput<TSale>): ReversalPlan<TSale> {
  const reversedUnits = new Map(input.sales.map((sale) => [sale.entryId, sale.reversedUnits]));
  const saleByLine = new Map(input.sales.map((sale) => [sale.lineItemId, sale]));
  const claimed = new Set(input.claimedRefundLineIds);
  const plan: ReversalPlan<TSale> = { reversals: [], claims: [] };

  const reverse = (sale: TSale, requestedUnits: number, refundLineItemId: string | null): void => {
    const before = reversedUnits.get(sale.entryId) ?? 0;
    const units = Math.min(requestedUnits, sale.quantity - before);
    if (units <= 0) return;
    reversedUnits.set(sale.entryId, before + units);
    plan.reversals.push({ sale, units, amounts: reversalAmounts(sale.amounts, sale.quantity, before, before + units), refundLineItemId });
  };

  for (const refund of input.refunds) {
    for (const refundLine of refund.refundLineItems) {
      const sale = saleByLine.get(refundLine.lineItemId);
      if (sale === undefined || claimed.has(refundLine.id)) continue;
      claimed.add(refundLine.id);
      plan.claims.push({ refundLineItemId: refundLine.id, refundId: refund.id, lineItemId: refundLine.lineItemId });
      reverse(sale, wholeUnits(refundLine.quantity), refundLine.id);
    }
  }

  for (const sale of input.sales) {
    const reversed = reversedUnits.get(sale.entryId) ?? 0;
    const current = input.currentQuantities?.[sale.lineItemId];
    const target = orderLineTarget({
      quantity: sale.quantity,
      // Every reversal so far answered a refund line or this rule: either way those units are gone.
      refundedUnits: reversed,
      restockedByRefundsUnits: 0,
      cancelled: input.cancelled ?? false,
      currentQuantity: current !== undefined && Number.isSafeInteger(current) ? current : undefined,
    });
    reverse(sale, target.removedUnits - reversed, null);
  }
  return plan;
}

function wholeUnits(quantity: number): number {
  return Number.isSafeInteger(quantity) && quantity > 0 ? quantity : 0;
}
