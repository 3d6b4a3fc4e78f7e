import { toMinorUnits } from './money';

describe('toMinorUnits', () => {
  it.each([
    ['199.00', 'USD', 19900],
    ['89.99', 'USD', 8999],
    ['0.1', 'USD', 10],
    ['5', 'EUR', 500],
    ['0.00', 'USD', 0],
    ['1500', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['-3.50', 'USD', -350],
    ['19.990', 'USD', 1999],
  ])('%s %s is %d minor units', (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  it('refuses amounts with more decimals than the currency has, rather than rounding', () => {
    expect(() => toMinorUnits('1.005', 'USD', 'price')).toThrow('field price has more decimals than USD allows: "1.005"');
    expect(() => toMinorUnits('10.5', 'JPY')).toThrow(/more decimals than JPY/);
  });

  it('refuses what is not a decimal amount or currency', () => {
    expect(() => toMinorUnits('1e3', 'USD', 'total_price')).toThrow('field total_price must be a decimal amount, got "1e3"');
    expect(() => toMinorUnits('1.00', 'usd')).toThrow('currency "usd" is not an ISO 4217 code');
  });
});
