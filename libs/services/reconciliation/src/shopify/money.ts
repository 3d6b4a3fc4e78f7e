import { Money, parseMinorUnits } from '@consign/contracts';
import { PlatformError } from '@consign/errors';

/** A Shopify decimal amount ("199.00") as exact integer minor units (see parseMinorUnits). */
export function moneyOf(amount: string, currency: string): Money {
  const parsed = parseMinorUnits(amount, currency);
  if ('minor' in parsed) return { amountMinor: parsed.minor, currency };
  const message =
    parsed.problem === 'size'
      ? `Shopify amount ${amount} is too large`
      : `Shopify amount ${JSON.stringify(amount)} ${currency} is not a decimal amount of that currency`;
  throw new PlatformError(message, { code: 'shopify.invalid_amount', category: 'invalid', details: { amount, currency } });
}
