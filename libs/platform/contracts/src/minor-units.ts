/** ISO 4217 currencies whose minor unit is not the usual 2 decimals. */
const minorUnitDigits: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyDigits(currency: string): number {
  return minorUnitDigits[currency] ?? 2;
}

/** Why a decimal amount is not an amount of its currency. */
export type MinorUnitsProblem = 'currency' | 'format' | 'precision' | 'size';

/**
 * A decimal money string ("199.00") as integer minor units of its currency, exactly: the digits
 * are shifted as text, never multiplied through a float. More decimals than the currency has are
 * refused rather than rounded. Callers turn a problem into their own error.
 */
export function parseMinorUnits(amount: string, currency: string): { minor: number } | { problem: MinorUnitsProblem } {
  if (!/^[A-Z]{3}$/.test(currency)) return { problem: 'currency' };
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return { problem: 'format' };
  const [, sign, whole, fraction = ''] = match;
  const digits = currencyDigits(currency);
  if (fraction.replace(/0+$/, '').length > digits) return { problem: 'precision' };
  const minor = Number(`${whole}${fraction.padEnd(digits, '0').slice(0, digits)}`);
  if (!Number.isSafeInteger(minor)) return { problem: 'size' };
  return { minor: sign ? -minor : minor };
}
