import { orderLineTarget, restocksUnits } from './order-line-rule';

const line = { quantity: 3, refundedUnits: 0, restockedByRefundsUnits: 0, cancelled: false };

describe('orderLineTarget: what became of an order line, for inventory and earnings alike', () => {
  it('leaves a line whole until a refund, a lower current quantity or a cancellation says otherwise', () => {
    expect(orderLineTarget(line)).toEqual({ removedUnits: 0, restockedUnits: 0 });
    expect(orderLineTarget({ ...line, currentQuantity: 3 })).toEqual({ removedUnits: 0, restockedUnits: 0 });
  });

  it('voids every unit of a cancelled order, with or without refund lines; only refund lines restock', () => {
    expect(orderLineTarget({ ...line, cancelled: true, currentQuantity: 3 })).toEqual({ removedUnits: 3, restockedUnits: 0 });
    expect(orderLineTarget({ ...line, cancelled: true, refundedUnits: 1, restockedByRefundsUnits: 1 })).toEqual({
      removedUnits: 3,
      restockedUnits: 1,
    });
  });

  it('removes what the refunds refunded or what the current quantity lost, whichever is more, never more than sold', () => {
    expect(orderLineTarget({ ...line, refundedUnits: 1, restockedByRefundsUnits: 1 })).toEqual({ removedUnits: 1, restockedUnits: 1 });
    expect(orderLineTarget({ ...line, refundedUnits: 1, currentQuantity: 1 })).toEqual({ removedUnits: 2, restockedUnits: 0 });
    expect(orderLineTarget({ ...line, refundedUnits: 7, restockedByRefundsUnits: 7 })).toEqual({ removedUnits: 3, restockedUnits: 3 });
    expect(orderLineTarget({ ...line, currentQuantity: -2 })).toEqual({ removedUnits: 3, restockedUnits: 0 });
  });

  it('only grows as more is known, so applying the difference to it changes each line once', () => {
    const steps = [
      { ...line, refundedUnits: 1, restockedByRefundsUnits: 0 },
      { ...line, refundedUnits: 2, restockedByRefundsUnits: 1, currentQuantity: 1 },
      { ...line, refundedUnits: 2, restockedByRefundsUnits: 1, cancelled: true },
    ].map(orderLineTarget);
    expect(steps).toEqual([
      { removedUnits: 1, restockedUnits: 0 },
      { removedUnits: 2, restockedUnits: 1 },
      { removedUnits: 3, restockedUnits: 1 },
    ]);
  });
});

describe('restocksUnits', () => {
  it.each([
    ['cancel', true],
    ['return', true],
    ['legacy_restock', true],
    [null, true],
    ['no_restock', false],
  ])('restock_type %j puts units back: %j', (restockType, expected) => {
    expect(restocksUnits(restockType)).toBe(expected);
  });
});
