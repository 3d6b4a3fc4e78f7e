/**
 * Money arithmetic for shares. Amounts are integer minor units; products and quotients go through
 * BigInt so no intermediate result is ever rounded by a float.
 */

/** numerator / denominator rounded half to even (banker's rounding); denominator must be positive. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const twiceRemainder = 2n * (magnitude % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

export const fullRateBasisPoints = 10_000;

/** The parts of one sale or reversal, in minor units of one currency. */
export interface ShareAmounts {
  grossMinor: number;
  consignorShareMinor: number;
  storeShareMinor: number;
}

/**
 * Splits what the buyer paid between consignor and store. The store keeps `rateBasisPoints`; the
 * consignor's share is rounded half to even and the store gets the exact remainder, so the parts
 * always add up to the gross.
 */
export function splitSale(grossMinor: number, rateBasisPoints: number): ShareAmounts {
  const consignorShare = divideHalfEven(BigInt(grossMinor) * BigInt(fullRateBasisPoints - rateBasisPoints), BigInt(fullRateBasisPoints));
  const consignorShareMinor = Number(consignorShare);
  return { grossMinor, consignorShareMinor, storeShareMinor: grossMinor - consignorShareMinor };
}

/**
 * The amounts of reversing units `fromUnits`..`toUnits` of a sale of `quantity` units. Each share
 * is taken cumulatively (what the first k units are worth, rounded half to even) and a reversal is
 * the difference, so any sequence of partial reversals ending at `quantity` adds up to exactly the
 * sale's amounts, and no part is ever negative. The gross is the sum of the two shares.
 */
export function reversalAmounts(sale: ShareAmounts, quantity: number, fromUnits: number, toUnits: number): ShareAmounts {
  const cumulative = (amountMinor: number, units: number): bigint => divideHalfEven(BigInt(amountMinor) * BigInt(units), BigInt(quantity));
  const consignorShareMinor = Number(cumulative(sale.consignorShareMinor, toUnits) - cumulative(sale.consignorShareMinor, fromUnits));
  const storeShareMinor = Number(cumulative(sale.storeShareMinor, toUnits) - cumulative(sale.storeShareMinor, fromUnits));
  return { grossMinor: consignorShareMinor + storeShareMinor, consignorShareMinor, storeShareMinor };
}
