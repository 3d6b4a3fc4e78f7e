import { Money } from '@consign/contracts';
import { PlatformError } from '@consign/errors';

/** ISO 4217 currencies whose minor unit is not the usual 2 decimals. */
const minorUnitDigits: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/**
 * A Shopify decimal amount ("199.00") as integer minor units, exactly: the digits are shifted as
 * text, never through a float. More significant decimals than the currency has are refused.
 */
export function moneyOf(amount: string, currency: string): Money {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  const digits = minorUnitDigits[currency] ?? 2;
  if (!match || !/^[A-Z]{3}$/.test(currency) || (match[3] ?? '').replace(/0+$/, '').length > digits) {
    throw new PlatformError(`Shopify amount ${JSON.stringify(amount)} ${currency} is not a decimal amount of that currency`, {
      code: 'shopify.invalid_amount',
      category: 'invalid',
      details: { amount, currency },
    });
  }
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(`${whole}${fraction.padEnd(digits, '0').slice(0, digits)}`);
  if (!Number.isSafeInteger(minor)) {
    throw new PlatformError(`Shopify amount ${amount} is too large`, { code: 'shopify.invalid_amount', category: 'invalid', details: { amount, currency } });
  }
  return { amountMinor: sign ? -minor : minor, currency };
}
