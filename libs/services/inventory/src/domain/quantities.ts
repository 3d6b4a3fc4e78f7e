/**
 * Units left after an order takes `sold` of them: never pushed below 0, and a count Shopify
 * already reports as oversold (negative) is left as it is rather than raised.
 */
export function quantityAfterSale(quantity: number, sold: number): number {
  return Math.max(Math.min(quantity, 0), quantity - sold);
}

/** Units still counted as sold once `released` of them are no longer sold. */
export function unitsSoldAfterRelease(unitsSold: number, released: number): number {
  return Math.max(0, unitsSold - released);
}

/** Units Shopify reports available; a null level means Shopify does not track it there, so the count is kept. */
export function quantityAfterLevel(quantity: number, available: number | null): number {
  return available ?? quantity;
}
