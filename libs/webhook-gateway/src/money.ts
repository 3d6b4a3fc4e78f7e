import { parseMinorUnits } from '@consign/contracts';
import { PlatformError } from '@consign/errors';

/**
 * Converts a decimal money field of a webhook ("199.00") into integer minor units of its currency,
 * exactly (see parseMinorUnits); a field that is not an amount of that currency is a 400.
 */
export function toMinorUnits(amount: string, currency: string, field = 'amount'): number {
  const parsed = parseMinorUnits(amount, currency);
  if ('minor' in parsed) return parsed.minor;
  const invalidField = (message: string) => new PlatformError(message, { code: 'webhook.invalid_field', category: 'invalid', details: { field } });
  switch (parsed.problem) {
    case 'currency':
      throw new PlatformError(`currency "${currency}" is not an ISO 4217 code`, { code: 'webhook.invalid_currency', category: 'invalid', details: { field } });
    case 'format':
      throw invalidField(`field ${field} must be a decimal amount, got "${amount}"`);
    case 'precision':
      throw invalidField(`field ${field} has more decimals than ${currency} allows: "${amount}"`);
    case 'size':
      throw invalidField(`field ${field} is too large: "${amount}"`);
  }
}
