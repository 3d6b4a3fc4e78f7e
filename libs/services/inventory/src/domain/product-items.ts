import { ShopifyProductUpserted } from '@consign/contracts';
import { consignorIdFromTags } from '@consign/tenants';
import { AppliedVersion, sourceTimeOf } from './applied-version';

/** What inventory keeps of a product, from one ShopifyProductUpserted. */
export interface ProductSnapshot {
  productId: string;
  title: string;
  status: string;
  /** Null for the store's own products. */
  consignorId: string | null;
  version: AppliedVersion;
  variants: VariantSnapshot[];
}

export interface VariantSnapshot {
  variantId: string;
  title: string;
  sku: string | null;
  inventoryItemId: string | null;
  /** Null when Shopify did not send a count: the known count is kept. */
  quantity: number | null;
}

/**
 * The product's version is its updatedAt (the gateway already fell back to other times in
 * occurredAt when Shopify sent none). A variant listed twice is kept once, the last listing wins.
 */
export function productSnapshotOf(event: ShopifyProductUpserted, consignorTagPrefix: string): ProductSnapshot {
  const { product } = event;
  const variants = new Map<string, VariantSnapshot>();
  for (const variant of product.variants) {
    variants.set(variant.id, {
      variantId: variant.id,
      title: variant.title,
      sku: variant.sku,
      inventoryItemId: variant.inventoryItemId,
      quantity: variant.inventoryQuantity,
    });
  }
  return {
    productId: product.id,
    title: product.title,
    status: product.status,
    consignorId: consignorIdFromTags(product.tags, consignorTagPrefix) ?? null,
    version: { at: sourceTimeOf(product.updatedAt, event.metadata.occurredAt), eventId: event.metadata.eventId },
    variants: [...variants.values()],
  };
}
