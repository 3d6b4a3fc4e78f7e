import { ShopifyOrder } from '@consign/contracts';
import { ItemState } from './item';
import { ConsignorLine } from './published-events';

/**
 * Whose a line's item is: a consignor's, the store's own, a variant inventory does not know
 * (for reconciliation), or no variant at all (custom items: nothing to track).
 */
export type LineOwnership = 'consignor' | 'store' | 'unknown_variant' | 'untracked';

/** An order line as inventory keeps it, so a cancellation can find what the order sold. */
export interface PlacedLine {
  lineItemId: string;
  variantId: string | null;
  productId: string | null;
  inventoryItemId: string | null;
  sku: string | null;
  title: string;
  ownership: LineOwnership;
  consignorId: string | null;
  /** Units ordered. */
  quantity: number;
  /** Units inventory marked sold on the item: only consignor lines are. */
  quantitySold: number;
}

/** Classifies each line by the item its variant names. A line id listed twice is kept once (the first). */
export function placedLinesOf(order: ShopifyOrder, items: ReadonlyMap<string, ItemState>): PlacedLine[] {
  const lines = new Map<string, PlacedLine>();
  for (const line of order.lineItems) {
    if (lines.has(line.id)) continue;
    const item = line.variantId === null ? undefined : items.get(line.variantId);
    const ownership: LineOwnership =
      line.variantId === null ? 'untracked' : item === undefined ? 'unknown_variant' : item.consignorId === null ? 'store' : 'consignor';
    lines.set(line.id, {
      lineItemId: line.id,
      variantId: line.variantId,
      productId: item?.productId ?? line.productId,
      inventoryItemId: item?.inventoryItemId ?? null,
      sku: line.sku ?? item?.sku ?? null,
      title: line.title,
      ownership,
      consignorId: item?.consignorId ?? null,
      quantity: line.quantity,
      quantitySold: ownership === 'consignor' ? Math.max(0, line.quantity) : 0,
    });
  }
  return [...lines.values()];
}

/** The line as a consignor's sale, or undefined when it is not one (store's, unknown, or nothing sold). */
export function consignorLineOf(orderId: string, line: PlacedLine): ConsignorLine | undefined {
  if (line.ownership !== 'consignor' || line.variantId === null || line.consignorId === null || line.quantitySold === 0) return undefined;
  return {
    orderId,
    lineItemId: line.lineItemId,
    productId: line.productId,
    variantId: line.variantId,
    inventoryItemId: line.inventoryItemId,
    sku: line.sku,
    consignorId: line.consignorId,
    quantity: line.quantitySold,
  };
}
