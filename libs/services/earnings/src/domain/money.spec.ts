import { amountsLeft, divideHalfEven, proRataAmounts, refundedAmounts, splitSale } from './money';

describe('divideHalfEven', () => {
  it.each([
    [1n, 2n, 0n],
    [3n, 2n, 2n],
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [5n, 4n, 1n],
    [7n, 4n, 2n],
    [-5n, 2n, -2n],
    [-7n, 4n, -2n],
    [0n, 3n, 0n],
  ])('%p / %p rounds to %p', (numerator, denominator, expected) => {
    expect(divideHalfEven(numerator, denominator)).toBe(expected);
  });

  it('refuses a denominator that is not positive', () => {
    expect(() => divideHalfEven(1n, 0n)).toThrow(RangeError);
  });
});

describe('splitSale', () => {
  it.each([
    // gross 1 at 50%: the consignor's 0.5 rounds to 0, the store keeps the cent.
    [1, 5000, 0, 1],
    [3, 5000, 2, 1],
    [5, 5000, 2, 3],
    [10000, 4000, 6000, 4000],
    [0, 4000, 0, 0],
    [999, 0, 999, 0],
    [999, 10000, 0, 999],
  ])('gross %p at %p bp gives the consignor %p and the store %p', (gross, rate, consignor, store) => {
    expect(splitSale(gross, rate)).toEqual({ grossMinor: gross, consignorShareMinor: consignor, storeShareMinor: store });
  });

  it('stays exact for amounts beyond what a float product could hold', () => {
    const gross = Number.MAX_SAFE_INTEGER;
    const { consignorShareMinor, storeShareMinor } = splitSale(gross, 1);
    // 9007199254740991 × 9999 / 10000 = 9006298534815516.9009 → …517
    expect(consignorShareMinor).toBe(9_006_298_534_815_517);
    expect(consignorShareMinor + storeShareMinor).toBe(gross);
  });
});

describe('proRataAmounts', () => {
  const sale = splitSale(1001, 3333);

  it('reverses the whole sale exactly when all units go at once', () => {
    expect(proRataAmounts(sale, 3, 3)).toEqual(sale);
  });

  it('adds up to exactly the sale over partial reversals, none negative', () => {
    const parts = [];
    let left = sale;
    for (const [unitsLeft, units] of [
      [3, 1],
      [2, 1],
      [1, 1],
    ]) {
      const part = proRataAmounts(left, unitsLeft, units);
      parts.push(part);
      left = amountsLeft(left, part);
    }
    for (const part of parts) {
      expect(part.consignorShareMinor).toBeGreaterThanOrEqual(0);
      expect(part.storeShareMinor).toBeGreaterThanOrEqual(0);
      expect(part.grossMinor).toBe(part.consignorShareMinor + part.storeShareMinor);
    }
    expect(left).toEqual({ grossMinor: 0, consignorShareMinor: 0, storeShareMinor: 0 });
  });

  it('rounds a proportional part half to even', () => {
    // consignor share 5 over 2 units: the first unit is worth 2.5 → 2, the second gets the other 3.
    const odd = { grossMinor: 10, consignorShareMinor: 5, storeShareMinor: 5 };
    expect(proRataAmounts(odd, 2, 1)).toEqual({ grossMinor: 4, consignorShareMinor: 2, storeShareMinor: 2 });
    expect(proRataAmounts(amountsLeft(odd, proRataAmounts(odd, 2, 1)), 1, 1)).toEqual({
      grossMinor: 6,
      consignorShareMinor: 3,
      storeShareMinor: 3,
    });
  });

  it('stays exact for large amounts', () => {
    const large = splitSale(Number.MAX_SAFE_INTEGER, 4000);
    const first = proRataAmounts(large, 7, 3);
    expect(proRataAmounts(amountsLeft(large, first), 4, 4)).toEqual(amountsLeft(large, first));
    expect(first.consignorShareMinor).toBe(Number(divideHalfEven(BigInt(large.consignorShareMinor) * 3n, 7n)));
  });
});

describe('refundedAmounts', () => {
  it('reverses the refunded gross, split at the rate as a sale of that gross is', () => {
    expect(refundedAmounts(splitSale(2900, 4000), 967, 4000)).toEqual(splitSale(967, 4000));
  });

  it('never reverses more gross than is left', () => {
    expect(refundedAmounts({ grossMinor: 500, consignorShareMinor: 300, storeShareMinor: 200 }, 967, 4000)).toEqual({
      grossMinor: 500,
      consignorShareMinor: 300,
      storeShareMinor: 200,
    });
  });

  it('keeps each share within what is left of it when earlier reversals rounded the other way', () => {
    // 6 at 50 % splits 3 and 3, but only 1 of the consignor's share is left: the store takes the rest.
    expect(refundedAmounts({ grossMinor: 10, consignorShareMinor: 1, storeShareMinor: 9 }, 6, 5000)).toEqual({
      grossMinor: 6,
      consignorShareMinor: 1,
      storeShareMinor: 5,
    });
    expect(refundedAmounts({ grossMinor: 10, consignorShareMinor: 9, storeShareMinor: 1 }, 6, 5000)).toEqual({
      grossMinor: 6,
      consignorShareMinor: 5,
      storeShareMinor: 1,
    });
  });
});
