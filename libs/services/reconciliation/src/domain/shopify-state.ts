import { Money, ShopifyOrder, ShopifyProduct, ShopifyRefund } from '@consign/contracts';

/** An order as the Admin API shows it now, in the shapes the platform's events carry. */
export interface ShopifyOrderState {
  order: ShopifyOrder;
  /** Shopify's version of the order: repairs built from this state get ids derived from it. */
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  totalOutstanding: Money;
  /** Each line's units now (Shopify currentQuantity), by line item id. */
  currentQuantities: Record<string, number>;
  refunds: ShopifyRefund[];
  /** The tags of each line's product, by line item id: they name the line's consignor. */
  lineProductTags: Record<string, string[]>;
}

/** Where a variant's stock lives and when Shopify last changed it. */
export interface ShopifyVariantStock {
  variantId: string;
  inventoryItemId: string | null;
  /** The first location stocking the item; null when it is stocked nowhere. */
  locationId: string | null;
  /** The later of the variant's and its inventory item's updatedAt. */
  updatedAt: string;
}

export interface ShopifyProductState {
  product: ShopifyProduct;
  stock: ShopifyVariantStock[];
}
