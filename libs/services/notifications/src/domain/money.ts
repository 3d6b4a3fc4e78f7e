import type { Money } from '@consign/contracts';

/**
 * Formats integer minor units as the currency's amount, e.g. USD 123456 → "$1,234.56", JPY 1500 →
 * "¥1,500". The decimal is built from the integer, so no float ever touches the amount.
 */
export function formatMoney(money: Money, locale = 'en-US'): string {
  const format = currencyFormat(locale, money.currency);
  // A malformed currency code still deserves a readable email rather than a crash.
  if (format === undefined) return `${money.amountMinor} ${money.currency} (minor units)`;
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Node 20 formats decimal strings exactly (Intl.NumberFormat v3); the ES2022 typings predate it.
  const formatDecimal = format.format as unknown as (value: string) => string;
  return formatDecimal(decimalString(BigInt(money.amountMinor), exponent));
}

/**
 * Making a currency format costs far more than using one (2.7 % of notification-service's CPU at
 * 400 emails/s), so each locale and currency gets one, kept; undefined for a code Intl refuses.
 */
const currencyFormats = new Map<string, Intl.NumberFormat | undefined>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat | undefined {
  const key = `${locale}|${currency}`;
  if (!currencyFormats.has(key)) {
    let format: Intl.NumberFormat | undefined;
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      format = undefined;
    }
    // Bounded by what the platform meets; a flood of odd codes only stops being remembered.
    if (currencyFormats.size < 1000) currencyFormats.set(key, format);
    return format;
  }
  return currencyFormats.get(key);
}

/** "-12.05" from -1205 with exponent 2: Intl formats decimal strings exactly. */
function decimalString(minor: bigint, exponent: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
