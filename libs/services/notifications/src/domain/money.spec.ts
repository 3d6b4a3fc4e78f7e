import { formatMoney } from './money';

describe('formatMoney', () => {
  it('uses the currency minor-unit exponent', () => {
    expect(formatMoney({ amountMinor: 123456, currency: 'USD' })).toBe('$1,234.56');
    expect(formatMoney({ amountMinor: 1500, currency: 'JPY' })).toBe('¥1,500');
    expect(formatMoney({ amountMinor: 1234, currency: 'KWD' })).toBe('KWD\u00a01.234');
  });

  it('pads small amounts and keeps the sign', () => {
    expect(formatMoney({ amountMinor: 5, currency: 'EUR' })).toBe('€0.05');
    expect(formatMoney({ amountMinor: -1205, currency: 'USD' })).toBe('-$12.05');
  });

  it('is exact for amounts beyond float precision in major units', () => {
    expect(formatMoney({ amountMinor: 9_007_199_254_740_991, currency: 'USD' })).toBe('$90,071,992,547,409.91');
  });

  it('shows a malformed currency plainly instead of failing', () => {
    expect(formatMoney({ amountMinor: 1200, currency: 'not a currency' })).toBe('1200 not a currency (minor units)');
  });
});
