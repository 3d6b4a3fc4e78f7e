import { ShopifyRefund } from '@consign/contracts';
import { proRataAmounts, ShareAmounts, splitSale } from './money';
import { planReversals, ReversalPlan, SaleEntryState } from './reversal';

/** A sale of `quantity` units at 10.00 each, 40 % commission, of which the first `reversedUnits` were reversed pro rata. */
const sale = (lineItemId: string, quantity: number, reversedUnits = 0): SaleEntryState => {
  const amounts = splitSale(1000 * quantity, 4000);
  return {
    entryId: `entry-${lineItemId}`,
    lineItemId,
    quantity,
    amounts,
    commissionRateBasisPoints: 4000,
    currency: 'USD',
    reversedUnits,
    reversedAmounts: proRataAmounts(amounts, quantity, reversedUnits),
  };
};

/** Refund lines: [id, line, units, subtotal in minor units (USD unless a currency is given)]. */
const refund = (
  id: string,
  lines: [refundLineId: string, lineItemId: string, quantity: number, subtotalMinor: number, currency?: string][],
): ShopifyRefund => ({
  id,
  createdAt: '2026-01-02T10:00:00Z',
  note: null,
  refundLineItems: lines.map(([refundLineId, lineItemId, quantity, subtotalMinor, currency]) => ({
    id: refundLineId,
    lineItemId,
    quantity,
    restockType: 'cancel',
    subtotal: { amountMinor: subtotalMinor, currency: currency ?? 'USD' },
  })),
});

/** The sale as the ledger has it once the plan's reversals are appended. */
const afterPlan = (entry: SaleEntryState, plan: ReversalPlan): SaleEntryState =>
  plan.reversals.reduce(
    (state, reversal) => ({
      ...state,
      reversedUnits: state.reversedUnits + reversal.units,
      reversedAmounts: sum(state.reversedAmounts, reversal.amounts),
    }),
    entry,
  );

const sum = (a: ShareAmounts, b: ShareAmounts): ShareAmounts => ({
  grossMinor: a.grossMinor + b.grossMinor,
  consignorShareMinor: a.consignorShareMinor + b.consignorShareMinor,
  storeShareMinor: a.storeShareMinor + b.storeShareMinor,
});

describe('planReversals', () => {
  it('reverses the units each new refund line names, and claims it', () => {
    const plan = planReversals({
      sales: [sale('a', 3), sale('b', 1)],
      refunds: [refund('r1', [['rl1', 'a', 2, 2000]])],
      claimedRefundLineIds: new Set(),
    });
    expect(plan.claims).toEqual([{ refundLineItemId: 'rl1', refundId: 'r1', lineItemId: 'a' }]);
    expect(
      plan.reversals.map((reversal) => [
        reversal.sale.lineItemId,
        reversal.units,
        reversal.refundLineItemId,
        reversal.amounts.consignorShareMinor,
      ]),
    ).toEqual([['a', 2, 'rl1', 1200]]);
  });

  it('skips refund lines already claimed and lines without a sale entry', () => {
    const plan = planReversals({
      sales: [sale('a', 3, 2)],
      refunds: [
        refund('r1', [
          ['rl1', 'a', 2, 2000],
          ['rl2', 'store-line', 1, 500],
        ]),
      ],
      claimedRefundLineIds: new Set(['rl1']),
    });
    expect(plan).toEqual({ reversals: [], claims: [] });
  });

  it('never reverses more units than the line has left, but still claims the refund line', () => {
    const plan = planReversals({
      sales: [sale('a', 3, 2)],
      refunds: [refund('r2', [['rl2', 'a', 3, 3000]])],
      claimedRefundLineIds: new Set(),
    });
    expect(plan.reversals.map((reversal) => reversal.units)).toEqual([1]);
    const exhausted = planReversals({
      sales: [sale('a', 3, 3)],
      refunds: [refund('r2', [['rl2', 'a', 3, 3000]])],
      claimedRefundLineIds: new Set(),
    });
    expect(exhausted).toEqual({ reversals: [], claims: [{ refundLineItemId: 'rl2', refundId: 'r2', lineItemId: 'a' }] });
  });

  it('tops a cancelled line up to the units its current quantity lost, after its refund lines', () => {
    const plan = planReversals({
      sales: [sale('a', 3), sale('b', 2), sale('c', 1)],
      refunds: [refund('r1', [['rl1', 'a', 1, 1000]])],
      claimedRefundLineIds: new Set(),
      currentQuantities: { a: 0, b: 2, c: 1 },
    });
    expect(plan.reversals.map((reversal) => [reversal.sale.lineItemId, reversal.units, reversal.refundLineItemId])).toEqual([
      ['a', 1, 'rl1'],
      ['a', 2, null],
    ]);
  });

  it('reverses nothing for an update that left every line whole', () => {
    const plan = planReversals({ sales: [sale('a', 3)], refunds: [], claimedRefundLineIds: new Set(), currentQuantities: { a: 3 } });
    expect(plan.reversals).toEqual([]);
  });

  it("voids every unit of a cancelled order not reversed yet, with or without refund lines (Shopify's own sample has none)", () => {
    const plain = planReversals({
      sales: [sale('a', 3), sale('b', 1)],
      refunds: [],
      claimedRefundLineIds: new Set(),
      currentQuantities: { a: 3, b: 1 },
      cancelled: true,
    });
    expect(plain.reversals.map((reversal) => [reversal.sale.lineItemId, reversal.units, reversal.refundLineItemId])).toEqual([
      ['a', 3, null],
      ['b', 1, null],
    ]);
    const afterPartialRefund = planReversals({
      sales: [sale('a', 3, 1)],
      refunds: [refund('r1', [['rl1', 'a', 1, 1000]])],
      claimedRefundLineIds: new Set(['rl1']),
      cancelled: true,
    });
    expect(afterPartialRefund.reversals.map((reversal) => [reversal.units, reversal.refundLineItemId])).toEqual([[2, null]]);
  });

  it('ignores nonsense quantities instead of reversing by them', () => {
    const plan = planReversals({
      sales: [sale('a', 3)],
      refunds: [refund('r1', [['rl1', 'a', -2, 0]])],
      claimedRefundLineIds: new Set(),
      currentQuantities: { a: 1.5 },
    });
    expect(plan.reversals).toEqual([]);
    expect(
      planReversals({ sales: [sale('a', 3)], refunds: [], claimedRefundLineIds: new Set(), currentQuantities: { a: -4 } }).reversals.map(
        (r) => r.units,
      ),
    ).toEqual([3]);
  });

  it('reverses exactly the full amounts when all units go in pieces', () => {
    const entry = { ...sale('a', 3), amounts: splitSale(1001, 3333), commissionRateBasisPoints: 3333 };
    const first = planReversals({ sales: [entry], refunds: [refund('r1', [['rl1', 'a', 1, 334]])], claimedRefundLineIds: new Set() });
    const rest = planReversals({
      sales: [afterPlan(entry, first)],
      refunds: [],
      claimedRefundLineIds: new Set(),
      currentQuantities: { a: 0 },
    });
    expect(afterPlan(afterPlan(entry, first), rest).reversedAmounts).toEqual(entry.amounts);
  });
});

describe('planReversals, the money of a refund', () => {
  // 3 × 10.00 less a line discount of 1.00: the buyer paid 29.00, of which the consignor gets 60 %.
  const discounted: SaleEntryState = { ...sale('a', 3), amounts: splitSale(2900, 4000) };
  // Shopify spreads the discount over the units its own way: one unit refunds 9.67, not a third.
  const oneUnit = refund('r1', [['rl1', 'a', 1, 967]]);

  it('reverses exactly what the refund line refunded, split at the sale’s rate as the sale was', () => {
    const plan = planReversals({ sales: [discounted], refunds: [oneUnit], claimedRefundLineIds: new Set() });
    expect(plan.reversals.map((reversal) => [reversal.units, reversal.amounts])).toEqual([
      [1, { grossMinor: 967, consignorShareMinor: 580, storeShareMinor: 387 }],
    ]);
  });

  it('takes exactly what is left with the refund of the last units, so the line nets to zero in every column', () => {
    const first = planReversals({ sales: [discounted], refunds: [oneUnit], claimedRefundLineIds: new Set() });
    const afterFirst = afterPlan(discounted, first);
    // Shopify's subtotal for the other two is 19.33, but whatever it says, the last units take what is left.
    const second = planReversals({
      sales: [afterFirst],
      refunds: [oneUnit, refund('r2', [['rl2', 'a', 2, 1940]])],
      claimedRefundLineIds: new Set(['rl1']),
    });
    expect(second.reversals.map((reversal) => [reversal.units, reversal.amounts])).toEqual([
      [2, { grossMinor: 1933, consignorShareMinor: 1160, storeShareMinor: 773 }],
    ]);
    expect(afterPlan(afterFirst, second).reversedAmounts).toEqual(discounted.amounts);
  });

  it('reverses the rest exactly when the order is cancelled after a partial refund', () => {
    const afterRefund = afterPlan(discounted, planReversals({ sales: [discounted], refunds: [oneUnit], claimedRefundLineIds: new Set() }));
    const cancellation = planReversals({
      sales: [afterRefund],
      refunds: [oneUnit],
      claimedRefundLineIds: new Set(['rl1']),
      cancelled: true,
    });
    expect(cancellation.reversals.map((reversal) => [reversal.units, reversal.refundLineItemId, reversal.amounts])).toEqual([
      [2, null, { grossMinor: 1933, consignorShareMinor: 1160, storeShareMinor: 773 }],
    ]);
  });

  it('never reverses more than the sale has left', () => {
    const plan = planReversals({ sales: [discounted], refunds: [refund('r1', [['rl1', 'a', 1, 5000]])], claimedRefundLineIds: new Set() });
    expect(plan.reversals[0].amounts).toEqual(discounted.amounts);
    expect(plan.reversals[0].units).toBe(1);
  });

  it.each([
    ['in another currency than the sale', refund('r1', [['rl1', 'a', 1, 967, 'EUR']])],
    ['not a whole non-negative amount', refund('r1', [['rl1', 'a', 1, -967]])],
  ])('reverses pro rata when the subtotal is %s', (_case, foreign) => {
    const plan = planReversals({ sales: [discounted], refunds: [foreign], claimedRefundLineIds: new Set() });
    expect(plan.reversals[0].amounts).toEqual(proRataAmounts(discounted.amounts, 3, 1));
  });

  it('reverses units lost without a refund line pro rata of what is left', () => {
    const afterRefund = afterPlan(discounted, planReversals({ sales: [discounted], refunds: [oneUnit], claimedRefundLineIds: new Set() }));
    const plan = planReversals({ sales: [afterRefund], refunds: [], claimedRefundLineIds: new Set(['rl1']), currentQuantities: { a: 1 } });
    // 11.60 and 7.73 left over two units: half of each, rounded half to even (3.865 → 3.86).
    expect(plan.reversals.map((reversal) => [reversal.units, reversal.amounts])).toEqual([
      [1, { grossMinor: 966, consignorShareMinor: 580, storeShareMinor: 386 }],
    ]);
  });
});
