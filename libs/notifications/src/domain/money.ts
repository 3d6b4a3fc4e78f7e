import type { Money } from '@consign/contracts';

/**
 * Formats integer minor units as the currency's amount, e.g. USD 123456 → "$1,234.56", JPY 1500 →
 * "¥1,500". The decimal is built from the integer, so no float ever touches the amount.
 */
export function formatMoney(money: Money, locale = 'en-US'): string {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
  } catch {
    // A malformed currency code still deserves a readable email rather than a crash.
    return `${money.amountMinor} ${money.currency} (minor units)`;
  }
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Node 20 formats decimal strings exactly (Intl.NumberFormat v3); the ES2022 typings predate it.
  const formatDecimal = format.format as unknown as (value: string) => string;
  return formatDecimal(decimalString(BigInt(money.amountMinor), exponent));
}

/** "-12.05" from -1205 with exponent 2: Intl formats decimal strings exactly. */
function decimalString(minor: bigint, exponent: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
