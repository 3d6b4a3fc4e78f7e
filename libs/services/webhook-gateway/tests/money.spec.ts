import { PlatformError } from '@consign/errors';
import { currencyAt, toMinorUnits } from '../src/money';
import { rejection } from './support/mapping-assertions';

describe('toMinorUnits', () => {
  it.each([
    ['199.00', 'USD', 19900],
    ['89.99', 'USD', 8999],
    ['0.1', 'USD', 10],
    ['5', 'EUR', 500],
    ['0.00', 'USD', 0],
    ['1500', 'JPY', 1500],
    ['1500.00', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['1.2345', 'CLF', 12345],
    ['19.990', 'USD', 1999],
    ['12.50', 'BGN', 1250],
    ['9999999999999.99', 'USD', 999999999999999],
  ])('%s %s is %d minor units', (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  it('refuses amounts with more decimals than the currency has, rather than rounding', () => {
    expect(() => toMinorUnits('1.005', 'USD', 'price')).toThrow('field price has more decimals than USD allows: "1.005"');
    expect(() => toMinorUnits('10.5', 'JPY')).toThrow(/more decimals than JPY/);
    expect(rejection(() => toMinorUnits('1.0001', 'KWD', 'price')).details).toEqual({ field: 'price', reason: 'precision' });
  });

  it('refuses what is not a decimal amount', () => {
    expect(() => toMinorUnits('1e3', 'USD', 'total_price')).toThrow('field total_price must be a decimal amount, got "1e3"');
    expect(rejection(() => toMinorUnits(' 1.00', 'USD', 'total_price')).details).toEqual({ field: 'total_price', reason: 'format' });
  });

  it('refuses a negative amount, naming the field', () => {
    const error = rejection(() => toMinorUnits('-3.50', 'USD', 'line_items[2].price'));
    expect(error.message).toBe('field line_items[2].price must not be negative, got "-3.50"');
    expect(error).toMatchObject({
      code: 'webhook.invalid_field',
      httpStatus: 400,
      details: { field: 'line_items[2].price', reason: 'range' },
    });
  });

  it('takes a negative amount where the caller says Shopify sends one, and reads minus zero as zero', () => {
    expect(toMinorUnits('-3.50', 'USD', 'total_outstanding', 'signed')).toBe(-350);
    expect(toMinorUnits('-0.00', 'USD', 'price')).toBe(0);
  });

  it.each([
    ['more than 16 digits before the point', '12345678901234567.00', 'is too large: "12345678901234567.00"', 'range'],
    ['more minor units than a safe integer holds', '9999999999999999.99', 'is too large: "9999999999999999.99"', 'range'],
    [
      'more than 16 digits after the point, even zeros',
      '1.00000000000000000',
      'has more decimals than USD allows: "1.00000000000000000"',
      'precision',
    ],
  ])('refuses %s', (_case, amount, expectation, reason) => {
    const error = rejection(() => toMinorUnits(amount, 'USD', 'total_price'));
    expect(error.message).toBe(`field total_price ${expectation}`);
    expect(error.details).toEqual({ field: 'total_price', reason });
  });

  it('quotes a long amount only in part', () => {
    const error = rejection(() => toMinorUnits('9'.repeat(200_000), 'USD', 'total_price'));
    expect(error.message).toBe(`field total_price is too large: "${'9'.repeat(40)}…"`);
  });

  it.each(['ZZZ', 'usd', 'XAU', 'XXX', 'JEP', 'USDC', '__proto__', 'constructor'])('refuses currency %s as unknown', (currency) => {
    const error = rejection(() => toMinorUnits('1.00', currency, 'variants[0].price'));
    expect(error.message).toBe(`currency "${currency}" is not an ISO 4217 currency the gateway accepts`);
    expect(error).toMatchObject({
      code: 'webhook.invalid_currency',
      httpStatus: 400,
      details: { field: 'variants[0].price', reason: 'currency' },
    });
  });
});

describe('currencyAt', () => {
  it('reads a currency the gateway knows', () => {
    expect(currencyAt({ currency: 'EUR' }, 'currency', 'currency')).toBe('EUR');
    expect(currencyAt({ currency: 'HRK' }, 'currency', 'currency')).toBe('HRK');
  });

  it.each([
    [{ currency: 'ZZZ' }, 'webhook.invalid_currency', 'currency'],
    [{ currency: 'USDC' }, 'webhook.invalid_currency', 'currency'],
    [{ currency: 978 }, 'webhook.invalid_field', 'type'],
    [{}, 'webhook.invalid_field', 'missing'],
    [{ currency: 'U'.repeat(65) }, 'webhook.invalid_field', 'length'],
  ])('refuses %j', (body, code, reason) => {
    const error = rejection(() => currencyAt(body, 'currency', 'currency'));
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code, details: { field: 'currency', reason } });
  });
});
