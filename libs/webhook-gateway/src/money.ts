import { PlatformError } from '@consign/errors';

/** ISO 4217 currencies whose minor unit is not the usual 2 decimals. */
const minorUnitDigits: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function currencyDigits(currency: string): number {
  return minorUnitDigits[currency] ?? 2;
}

/**
 * Converts a decimal money string ("199.00") into integer minor units of its currency, exactly:
 * the digits are shifted as text, never multiplied through a float. More decimals than the currency
 * has are refused rather than rounded.
 */
export function toMinorUnits(amount: string, currency: string, field = 'amount'): number {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new PlatformError(`currency "${currency}" is not an ISO 4217 code`, { code: 'webhook.invalid_currency', category: 'invalid', details: { field } });
  }
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) {
    throw new PlatformError(`field ${field} must be a decimal amount, got "${amount}"`, { code: 'webhook.invalid_field', category: 'invalid', details: { field } });
  }
  const [, sign, whole, fraction = ''] = match;
  const digits = currencyDigits(currency);
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > digits) {
    throw new PlatformError(`field ${field} has more decimals than ${currency} allows: "${amount}"`, {
      code: 'webhook.invalid_field',
      category: 'invalid',
      details: { field },
    });
  }
  const minor = Number(`${whole}${fraction.padEnd(digits, '0').slice(0, digits)}`);
  if (!Number.isSafeInteger(minor)) {
    throw new PlatformError(`field ${field} is too large: "${amount}"`, { code: 'webhook.invalid_field', category: 'invalid', details: { field } });
  }
  return sign ? -minor : minor;
}
