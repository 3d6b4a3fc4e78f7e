import { quantityAfterLevel, quantityAfterSale, unitsSoldAfterRelease } from './quantities';

describe('quantities', () => {
  it('a sale takes units but never goes below 0', () => {
    expect(quantityAfterSale(3, 1)).toBe(2);
    expect(quantityAfterSale(1, 3)).toBe(0);
  });

  it('a sale leaves an oversold (negative) count as it is', () => {
    expect(quantityAfterSale(-2, 1)).toBe(-2);
  });

  it('a release never counts fewer than 0 units sold', () => {
    expect(unitsSoldAfterRelease(2, 1)).toBe(1);
    expect(unitsSoldAfterRelease(1, 3)).toBe(0);
  });

  it('a level sets the count; an untracked (null) level keeps it', () => {
    expect(quantityAfterLevel(4, 7)).toBe(7);
    expect(quantityAfterLevel(4, null)).toBe(4);
  });
});
