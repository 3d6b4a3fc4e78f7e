import { PlatformError } from '@consign/errors';
import { InvalidReason, invalidField, JsonObject, optionalStringAt, stringAt } from './payload-fields';
import { currencyMinorUnits } from './validation/currencies';
import { textLimits } from './validation/text-limits';

/** Digits either side of the decimal point beyond these are no amount a shop has. */
const maxWholeDigits = 16;
const maxFractionDigits = 16;
/** The longest amount text: both parts full, with a sign and a point. */
const maxAmountLength = maxWholeDigits + maxFractionDigits + 2;

/** Whether an amount may be below zero: only where Shopify documents a negative value. */
export type AmountSign = 'non-negative' | 'signed';

function unknownCurrency(currency: string, field: string): PlatformError {
  return new PlatformError(`currency "${shown(currency)}" is not an ISO 4217 currency the gateway accepts`, {
    code: 'webhook.invalid_currency',
    category: 'invalid',
    details: { field, reason: 'currency' satisfies InvalidReason },
  });
}

/** A value quoted in a message, cut short: the field may hold a megabyte. */
function shown(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** Reads a currency code field (an order's `currency`) that the gateway can count minor units in. */
export function currencyAt(parent: JsonObject, field: string, path: string): string {
  const currency = stringAt(parent, field, path, textLimits.enumeration);
  if (currencyMinorUnits(currency) === undefined) throw unknownCurrency(currency, path);
  return currency;
}

/** Reads the text of a decimal amount field ("199.00"), for toMinorUnits. */
export function amountTextAt(parent: JsonObject, field: string, path: string): string {
  return stringAt(parent, field, path, maxAmountLength);
}

export function optionalAmountTextAt(parent: JsonObject, field: string, path: string): string | null {
  return optionalStringAt(parent, field, path, maxAmountLength);
}

/**
 * Converts a decimal money field of a webhook ("199.00") into integer minor units of its currency,
 * exactly: the digits are shifted as text, never multiplied through a float, and more decimals than
 * the currency has are refused rather than rounded. A field that is not such an amount is a 400.
 */
export function toMinorUnits(amount: string, currency: string, field = 'amount', sign: AmountSign = 'non-negative'): number {
  const digits = currencyMinorUnits(currency);
  if (digits === undefined) throw unknownCurrency(currency, field);
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) throw invalidField(field, `must be a decimal amount, got "${shown(amount)}"`, 'format');
  const [, minus, whole, fraction = ''] = match;
  if (whole.length > maxWholeDigits) throw invalidField(field, `is too large: "${shown(amount)}"`, 'range');
  if (fraction.length > maxFractionDigits || fraction.replace(/0+$/, '').length > digits) {
    throw invalidField(field, `has more decimals than ${currency} allows: "${shown(amount)}"`, 'precision');
  }
  const minor = Number(`${whole}${fraction.padEnd(digits, '0').slice(0, digits)}`);
  if (!Number.isSafeInteger(minor)) throw invalidField(field, `is too large: "${shown(amount)}"`, 'range');
  if (minor === 0) return 0;
  if (minus && sign === 'non-negative') throw invalidField(field, `must not be negative, got "${shown(amount)}"`, 'range');
  return minus ? -minor : minor;
}
