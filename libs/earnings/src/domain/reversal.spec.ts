import { ShopifyRefund } from '@consign/contracts';
import { splitSale } from './money';
import { planReversals, SaleEntryState } from './reversal';

const sale = (lineItemId: string, quantity: number, reversedUnits = 0): SaleEntryState => ({
  entryId: `entry-${lineItemId}`,
  lineItemId,
  quantity,
  amounts: splitSale(1000 * quantity, 4000),
  reversedUnits,
});

const refund = (id: string, lines: [refundLineId: string, lineItemId: string, quantity: number][]): ShopifyRefund => ({
  id,
  createdAt: '2026-01-02T10:00:00Z',
  note: null,
  refundLineItems: lines.map(([refundLineId, lineItemId, quantity]) => ({
    id: refundLineId,
    lineItemId,
    quantity,
    restockType: 'cancel',
    subtotal: { amountMinor: 0, currency: 'USD' },
  })),
});

describe('planReversals', () => {
  it('reverses the units each new refund line names, and claims it', () => {
    const plan = planReversals({ sales: [sale('a', 3), sale('b', 1)], refunds: [refund('r1', [['rl1', 'a', 2]])], claimedRefundLineIds: new Set() });
    expect(plan.claims).toEqual([{ refundLineItemId: 'rl1', refundId: 'r1', lineItemId: 'a' }]);
    expect(plan.reversals.map((reversal) => [reversal.sale.lineItemId, reversal.units, reversal.refundLineItemId, reversal.amounts.consignorShareMinor])).toEqual([['a', 2, 'rl1', 1200]]);
  });

  it('skips refund lines already claimed and lines without a sale entry', () => {
    const plan = planReversals({
      sales: [sale('a', 3, 2)],
      refunds: [refund('r1', [['rl1', 'a', 2], ['rl2', 'store-line', 1]])],
      claimedRefundLineIds: new Set(['rl1']),
    });
    expect(plan).toEqual({ reversals: [], claims: [] });
  });

  it('never reverses more units than the line has left, but still claims the refund line', () => {
    const plan = planReversals({ sales: [sale('a', 3, 2)], refunds: [refund('r2', [['rl2', 'a', 3]])], claimedRefundLineIds: new Set() });
    expect(plan.reversals.map((reversal) => reversal.units)).toEqual([1]);
    const exhausted = planReversals({ sales: [sale('a', 3, 3)], refunds: [refund('r2', [['rl2', 'a', 3]])], claimedRefundLineIds: new Set() });
    expect(exhausted).toEqual({ reversals: [], claims: [{ refundLineItemId: 'rl2', refundId: 'r2', lineItemId: 'a' }] });
  });

  it('tops a cancelled line up to the units its current quantity lost, after its refund lines', () => {
    const plan = planReversals({
      sales: [sale('a', 3), sale('b', 2), sale('c', 1)],
      refunds: [refund('r1', [['rl1', 'a', 1]])],
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
    const plain = planReversals({ sales: [sale('a', 3), sale('b', 1)], refunds: [], claimedRefundLineIds: new Set(), currentQuantities: { a: 3, b: 1 }, cancelled: true });
    expect(plain.reversals.map((reversal) => [reversal.sale.lineItemId, reversal.units, reversal.refundLineItemId])).toEqual([
      ['a', 3, null],
      ['b', 1, null],
    ]);
    const afterPartialRefund = planReversals({ sales: [{ ...sale('a', 3), reversedUnits: 1 }], refunds: [refund('r1', [['rl1', 'a', 1]])], claimedRefundLineIds: new Set(['rl1']), cancelled: true });
    expect(afterPartialRefund.reversals.map((reversal) => [reversal.units, reversal.refundLineItemId])).toEqual([[2, null]]);
  });

  it('ignores nonsense quantities instead of reversing by them', () => {
    const plan = planReversals({
      sales: [sale('a', 3)],
      refunds: [refund('r1', [['rl1', 'a', -2]])],
      claimedRefundLineIds: new Set(),
      currentQuantities: { a: 1.5 },
    });
    expect(plan.reversals).toEqual([]);
    expect(planReversals({ sales: [sale('a', 3)], refunds: [], claimedRefundLineIds: new Set(), currentQuantities: { a: -4 } }).reversals.map((r) => r.units)).toEqual([3]);
  });

  it('reverses exactly the full amounts when all units go in pieces', () => {
    const entry = { ...sale('a', 3), amounts: splitSale(1001, 3333) };
    const first = planReversals({ sales: [entry], refunds: [refund('r1', [['rl1', 'a', 1]])], claimedRefundLineIds: new Set() }).reversals[0];
    const rest = planReversals({ sales: [{ ...entry, reversedUnits: 1 }], refunds: [], claimedRefundLineIds: new Set(), currentQuantities: { a: 0 } }).reversals[0];
    expect(first.amounts.consignorShareMinor + rest.amounts.consignorShareMinor).toBe(entry.amounts.consignorShareMinor);
    expect(first.amounts.storeShareMinor + rest.amounts.storeShareMinor).toBe(entry.amounts.storeShareMinor);
  });
});
