import { refund } from '../testing/inventory-events';
import { isRestocked, lineReleasesOf } from './cancellation';

const lines = [
  { lineItemId: 'l1', quantity: 2 },
  { lineItemId: 'l2', quantity: 1 },
];

describe('lineReleasesOf', () => {
  it('a line whose current quantity fell is touched; without refund lines its units were restocked', () => {
    expect(lineReleasesOf({ currentQuantities: { l1: 0, l2: 1 }, refunds: [] }, lines)).toEqual([{ lineItemId: 'l1', releasedUnits: 2, restockedUnits: 2 }]);
  });

  it('a line neither refunded nor reduced is not touched', () => {
    expect(lineReleasesOf({ currentQuantities: { l1: 2, l2: 1 }, refunds: [] }, lines)).toEqual([]);
  });

  it('a line missing from currentQuantities is touched only by a refund line', () => {
    expect(lineReleasesOf({ currentQuantities: {}, refunds: [] }, lines)).toEqual([]);
    expect(lineReleasesOf({ currentQuantities: {}, refunds: [refund('r1', [{ lineItemId: 'l2', quantity: 1, restockType: 'cancel' }])] }, lines)).toEqual([
      { lineItemId: 'l2', releasedUnits: 1, restockedUnits: 1 },
    ]);
  });

  it('a refund line with no_restock releases the units without restocking them', () => {
    const refunds = [refund('r1', [{ lineItemId: 'l1', quantity: 2, restockType: 'no_restock' }])];
    expect(lineReleasesOf({ currentQuantities: { l1: 0, l2: 1 }, refunds }, lines)).toEqual([{ lineItemId: 'l1', releasedUnits: 2, restockedUnits: 0 }]);
  });

  it('splits a line whose refund lines restocked part of its units', () => {
    const refunds = [
      refund('r1', [{ lineItemId: 'l1', quantity: 1, restockType: 'return' }]),
      refund('r2', [{ lineItemId: 'l1', quantity: 1, restockType: 'no_restock' }]),
    ];
    expect(lineReleasesOf({ currentQuantities: { l1: 0 }, refunds }, lines)).toEqual([{ lineItemId: 'l1', releasedUnits: 2, restockedUnits: 1 }]);
  });

  it('never releases more than the line ordered', () => {
    const refunds = [refund('r1', [{ lineItemId: 'l2', quantity: 5, restockType: 'cancel' }])];
    expect(lineReleasesOf({ currentQuantities: {}, refunds }, lines)).toEqual([{ lineItemId: 'l2', releasedUnits: 1, restockedUnits: 1 }]);
  });

  it('a touched line with nothing to release yields no release', () => {
    const refunds = [refund('r1', [{ lineItemId: 'l2', quantity: 0, restockType: 'cancel' }])];
    expect(lineReleasesOf({ currentQuantities: {}, refunds }, lines)).toEqual([]);
  });
});

describe('isRestocked', () => {
  it('anything but no_restock put the units back', () => {
    expect(['cancel', 'return', 'legacy_restock', null].map(isRestocked)).toEqual([true, true, true, true]);
    expect(isRestocked('no_restock')).toBe(false);
  });
});
