import { AppliedVersion, isSupersededBy } from './applied-version';
import { LineRelease } from './cancellation';
import { ProductSnapshot, VariantSnapshot } from './product-items';
import { quantityAfterLevel, quantityAfterSale, unitsSoldAfterRelease } from './quantities';

/** One variant of a product, as inventory tracks it. */
export interface ItemState {
  tenantId: string;
  variantId: string;
  productId: string;
  inventoryItemId: string | null;
  sku: string | null;
  productTitle: string;
  variantTitle: string;
  /** Null for the store's own items. */
  consignorId: string | null;
  productStatus: string;
  quantity: number;
  /** Units currently sold on orders (sold minus released). */
  unitsSold: number;
  /** The product sync or level update that last set the count. */
  levelVersion: AppliedVersion | null;
}

/**
 * The item after a product sync. The product's own fields always follow the (already
 * version-checked) snapshot; its count replaces the known one only when Shopify sent one and no
 * newer count (a later level update) is already applied. A new item without a count starts at 0.
 */
export function itemAfterProductSync(
  tenantId: string,
  existing: ItemState | undefined,
  product: ProductSnapshot,
  variant: VariantSnapshot,
): ItemState {
  const countApplies = variant.quantity !== null && !isSupersededBy(product.version, existing?.levelVersion ?? null);
  return {
    tenantId,
    variantId: variant.variantId,
    productId: product.productId,
    inventoryItemId: variant.inventoryItemId ?? existing?.inventoryItemId ?? null,
    sku: variant.sku,
    productTitle: product.title,
    variantTitle: variant.title,
    consignorId: product.consignorId,
    productStatus: product.status,
    quantity: countApplies && variant.quantity !== null ? variant.quantity : (existing?.quantity ?? 0),
    unitsSold: existing?.unitsSold ?? 0,
    levelVersion: countApplies ? product.version : (existing?.levelVersion ?? null),
  };
}

/**
 * Units an order sold beyond what the item had: 0 when it had enough. The count is only a witness
 * while it predates the order: Shopify's inventory-level webhook for the order itself can arrive
 * first, and then the count already has the units taken off.
 */
export function oversoldUnits(item: ItemState, units: number, orderPlacedAt: number): number {
  if (item.levelVersion !== null && item.levelVersion.at >= orderPlacedAt) return 0;
  return Math.max(0, units - Math.max(0, item.quantity));
}

export function itemAfterSale(item: ItemState, units: number): ItemState {
  return { ...item, quantity: quantityAfterSale(item.quantity, units), unitsSold: item.unitsSold + units };
}

export function itemAfterRelease(item: ItemState, release: LineRelease): ItemState {
  return {
    ...item,
    quantity: item.quantity + release.restockedUnits,
    unitsSold: unitsSoldAfterRelease(item.unitsSold, release.releasedUnits),
  };
}

/** Undefined when the level is superseded (a replay, or older than the count already applied). */
export function itemAfterLevel(item: ItemState, available: number | null, version: AppliedVersion): ItemState | undefined {
  if (isSupersededBy(version, item.levelVersion)) return undefined;
  return { ...item, quantity: quantityAfterLevel(item.quantity, available), levelVersion: version };
}
