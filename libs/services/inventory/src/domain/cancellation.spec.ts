import { lineReleasesOf, RefundLineFact } from './cancellation';

const lines = [
  { lineItemId: 'l1', quantity: 2, releasedUnits: 0, restockedUnits: 0 },
  { lineItemId: 'l2', quantity: 1, releasedUnits: 0, restockedUnits: 0 },
];
const refundLine = (id: string, lineItemId: string, quantity: number, restockType: string | null): RefundLineFact => ({
  id,
  lineItemId,
  quantity,
  restockType,
});

describe('lineReleasesOf', () => {
  it('releases every line of a cancelled order, refund lines or not; without refund lines nothing is restocked here', () => {
    expect(lineReleasesOf({ cancelled: true, refundLines: [], currentQuantities: { l1: 2, l2: 1 } }, lines)).toEqual([
      { lineItemId: 'l1', releasedUnits: 2, restockedUnits: 0 },
      { lineItemId: 'l2', releasedUnits: 1, restockedUnits: 0 },
    ]);
  });

  it('restocks what the refund lines say, by restock_type', () => {
    const refundLines = [refundLine('r1', 'l1', 1, 'cancel'), refundLine('r2', 'l1', 1, 'no_restock'), refundLine('r3', 'l2', 1, 'return')];
    expect(lineReleasesOf({ cancelled: true, refundLines }, lines)).toEqual([
      { lineItemId: 'l1', releasedUnits: 2, restockedUnits: 1 },
      { lineItemId: 'l2', releasedUnits: 1, restockedUnits: 1 },
    ]);
  });

  it('releases a refund of an order still open, and a line whose current quantity dropped', () => {
    expect(lineReleasesOf({ cancelled: false, refundLines: [refundLine('r1', 'l2', 1, 'legacy_restock')] }, lines)).toEqual([
      { lineItemId: 'l2', releasedUnits: 1, restockedUnits: 1 },
    ]);
    expect(lineReleasesOf({ cancelled: false, refundLines: [], currentQuantities: { l1: 1, l2: 1 } }, lines)).toEqual([
      { lineItemId: 'l1', releasedUnits: 1, restockedUnits: 0 },
    ]);
    expect(lineReleasesOf({ cancelled: false, refundLines: [] }, lines)).toEqual([]);
  });

  it('applies only what changed since: a partial refund, then the cancellation, then the refund lines of the cancellation', () => {
    const afterRefund = [
      { lineItemId: 'l1', quantity: 2, releasedUnits: 1, restockedUnits: 1 },
      { lineItemId: 'l2', quantity: 1, releasedUnits: 0, restockedUnits: 0 },
    ];
    const partial = [refundLine('r1', 'l1', 1, 'return')];
    expect(lineReleasesOf({ cancelled: false, refundLines: partial }, afterRefund)).toEqual([]);
    expect(lineReleasesOf({ cancelled: true, refundLines: partial }, afterRefund)).toEqual([
      { lineItemId: 'l1', releasedUnits: 1, restockedUnits: 0 },
      { lineItemId: 'l2', releasedUnits: 1, restockedUnits: 0 },
    ]);
    const afterCancel = [
      { lineItemId: 'l1', quantity: 2, releasedUnits: 2, restockedUnits: 1 },
      { lineItemId: 'l2', quantity: 1, releasedUnits: 1, restockedUnits: 0 },
    ];
    const cancelRefunds = [...partial, refundLine('r2', 'l1', 1, 'cancel'), refundLine('r3', 'l2', 1, 'cancel')];
    expect(lineReleasesOf({ cancelled: true, refundLines: cancelRefunds }, afterCancel)).toEqual([
      { lineItemId: 'l1', releasedUnits: 0, restockedUnits: 1 },
      { lineItemId: 'l2', releasedUnits: 0, restockedUnits: 1 },
    ]);
    const done = [
      { lineItemId: 'l1', quantity: 2, releasedUnits: 2, restockedUnits: 2 },
      { lineItemId: 'l2', quantity: 1, releasedUnits: 1, restockedUnits: 1 },
    ];
    expect(lineReleasesOf({ cancelled: true, refundLines: cancelRefunds }, done)).toEqual([]);
  });
});
