/** What a buyer (and a consignor) sees of an item. */
export type ItemStatus = 'available' | 'out_of_stock' | 'sold' | 'archived';

export interface ItemStockFacts {
  /** Shopify's product status: active, draft, archived, unlisted... */
  productStatus: string;
  quantity: number;
  /** Units currently sold on orders (sold minus released). */
  unitsSold: number;
}

/**
 * An archived product is off sale whatever its count; otherwise units left make it available,
 * and with none left it is `sold` only when orders took its units (else Shopify simply has none).
 */
export function itemStatusOf(facts: ItemStockFacts): ItemStatus {
  if (facts.productStatus === 'archived') return 'archived';
  if (facts.quantity > 0) return 'available';
  return facts.unitsSold > 0 ? 'sold' : 'out_of_stock';
}
