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

/** What is left of a sale once the given reversals are taken off it. */
export function amountsLeft(sale: ShareAmounts, reversed: ShareAmounts): ShareAmounts {
  return {
    grossMinor: sale.grossMinor - reversed.grossMinor,
    consignorShareMinor: sale.consignorShareMinor - reversed.consignorShareMinor,
    storeShareMinor: sale.storeShareMinor - reversed.storeShareMinor,
  };
}

/**
 * Reversing `units` of the `unitsLeft` units not reversed yet, pro rata of what is left of the
 * sale: each share rounded half to even, the gross their sum. Reversing every unit left takes
 * exactly what is left, so a line reversed in pieces nets to zero, and no part is ever negative.
 */
export function proRataAmounts(left: ShareAmounts, unitsLeft: number, units: number): ShareAmounts {
  const part = (amountMinor: number): number => Number(divideHalfEven(BigInt(amountMinor) * BigInt(units), BigInt(unitsLeft)));
  const consignorShareMinor = part(left.consignorShareMinor);
  const storeShareMinor = part(left.storeShareMinor);
  return { grossMinor: consignorShareMinor + storeShareMinor, consignorShareMinor, storeShareMinor };
}

/**
 * Reversing what a refund gave back: that gross, at most what is left of the sale, split at the
 * sale's rate as the sale was (splitSale). Earlier reversals may have rounded the other way, so
 * each share is kept within what is left of it and the next reversals never go negative.
 */
export function refundedAmounts(left: ShareAmounts, refundedMinor: number, rateBasisPoints: number): ShareAmounts {
  const grossMinor = Math.min(refundedMinor, left.grossMinor);
  const split = splitSale(grossMinor, rateBasisPoints);
  const consignorShareMinor = Math.min(left.consignorShareMinor, Math.max(split.consignorShareMinor, grossMinor - left.storeShareMinor));
  return { grossMinor, consignorShareMinor, storeShareMinor: grossMinor - consignorShareMinor };
}
