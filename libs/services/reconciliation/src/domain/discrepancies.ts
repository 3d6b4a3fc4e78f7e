import { consignorIdFromTags } from '@consign/tenants';
import { deterministicEventId, orderLineTarget } from '@consign/contracts';
import { LocalEarningsEntry, LocalOrder, LocalProduct } from './local-state';
import { ShopifyOrderState, ShopifyProductState } from './shopify-state';

export const discrepancyKinds = [
  'order_missing',
  'order_cancelled_in_shopify_only',
  'order_cancelled_locally_only',
  'inventory_level_differs',
  'product_unknown',
  'earnings_mismatch',
  'books_stock_mismatch',
] as const;

export type DiscrepancyKind = (typeof discrepancyKinds)[number];

/** A difference between Shopify and the local projections, with both sides' values. */
export interface FoundDiscrepancy {
  kind: DiscrepancyKind;
  /** The order id, product id or variant id the difference is about. */
  subjectId: string;
  shopifyValue: Record<string, unknown>;
  localValue: Record<string, unknown> | null;
  /** Whether a corrective event from Shopify's state fixes it; otherwise why not. */
  repairable: boolean;
  notRepairableReason: string | null;
}

const repairable = { repairable: true, notRepairableReason: null };

/** One discrepancy of one run has one id, whatever order the run found things in. */
export function discrepancyIdOf(runId: string, kind: DiscrepancyKind, subjectId: string): string {
  return deterministicEventId('reconciliation.discrepancy', runId, kind, subjectId);
}

/**
 * Compares an order's existence and cancellation. An order inventory knows only by a held
 * cancellation is missing too: its creation never arrived.
 */
export function compareOrder(shopify: ShopifyOrderState, local: LocalOrder | undefined): FoundDiscrepancy[] {
  const subjectId = shopify.order.id;
  const shopifyValue = { ...shopify };
  if (local === undefined || local.state === 'cancellation_held') {
    return [{ kind: 'order_missing', subjectId, shopifyValue, localValue: local ? { ...local } : null, ...repairable }];
  }
  const cancelledInShopify = shopify.cancelledAt !== null;
  const cancelledLocally = local.state === 'cancelled';
  if (cancelledInShopify && !cancelledLocally)
    return [{ kind: 'order_cancelled_in_shopify_only', subjectId, shopifyValue, localValue: { ...local }, ...repairable }];
  if (!cancelledInShopify && cancelledLocally) {
    return [
      {
        kind: 'order_cancelled_locally_only',
        subjectId,
        shopifyValue,
        localValue: { ...local },
        repairable: false,
        notRepairableReason: 'Shopify has no cancellation to replay; correct the local record with a data correction',
      },
    ];
  }
  return [];
}

/**
 * What each consignor line should have earned: unit price × quantity − the line's discount while
 * the line is whole, nothing once the platform's order-line rule (orderLineTarget) says every unit
 * left it (a cancellation voids them all). A line partly refunded is not compared here: its amount
 * depends on the split of each reversed unit. Compared with the net of earnings' sale and reversal
 * entries per line; lines of the store's own products should have no entries.
 */
export function compareEarnings(
  shopify: ShopifyOrderState,
  entries: LocalEarningsEntry[] | undefined,
  consignorTagPrefix: string,
): FoundDiscrepancy[] {
  const refundLines = shopify.refunds.flatMap((refund) => refund.refundLineItems);
  const currency = shopify.order.totalPrice.currency;
  const localNet = new Map<string, number>();
  for (const entry of entries ?? []) {
    localNet.set(entry.lineItemId, (localNet.get(entry.lineItemId) ?? 0) + (entry.type === 'sale' ? entry.grossMinor : -entry.grossMinor));
  }
  const differing: Array<{ lineItemId: string; consignorId: string | null; expectedGrossMinor: number; localNetGrossMinor: number }> = [];
  for (const line of shopify.order.lineItems) {
    const consignorId = consignorIdFromTags(shopify.lineProductTags[line.id] ?? [], consignorTagPrefix) ?? null;
    const refunded = refundLines.filter((refundLine) => refundLine.lineItemId === line.id);
    const refundedUnits = refunded.reduce((units, refundLine) => units + refundLine.quantity, 0);
    const { removedUnits } = orderLineTarget({
      quantity: line.quantity,
      refundedUnits,
      restockedByRefundsUnits: 0,
      cancelled: shopify.cancelledAt !== null,
      currentQuantity: shopify.currentQuantities[line.id],
    });
    const gross = line.unitPrice.amountMinor * line.quantity - line.totalDiscount.amountMinor;
    let expected: number;
    if (consignorId === null || removedUnits >= line.quantity) expected = 0;
    else if (removedUnits === 0) expected = gross;
    else {
      // Earnings reverse a refund line's own amount; units removed without one (an edit) are a pro-rata share, not checked in money.
      const amounts = refunded.map((refundLine) => refundLine.subtotal);
      if (removedUnits !== refundedUnits || amounts.some((amount) => amount.currency !== currency)) continue;
      expected = Math.max(0, gross - amounts.reduce((sum, amount) => sum + amount.amountMinor, 0));
    }
    const actual = localNet.get(line.id) ?? 0;
    if (expected !== actual) differing.push({ lineItemId: line.id, consignorId, expectedGrossMinor: expected, localNetGrossMinor: actual });
  }
  if (differing.length === 0) return [];
  return [
    {
      kind: 'earnings_mismatch',
      subjectId: shopify.order.id,
      shopifyValue: {
        orderId: shopify.order.id,
        cancelledAt: shopify.cancelledAt,
        currency: shopify.order.totalPrice.currency,
        lines: differing.map(({ lineItemId, consignorId, expectedGrossMinor }) => ({ lineItemId, consignorId, expectedGrossMinor })),
      },
      localValue: {
        orderReceived: entries !== undefined,
        lines: differing.map(({ lineItemId, localNetGrossMinor }) => ({ lineItemId, netGrossMinor: localNetGrossMinor })),
      },
      repairable: false,
      notRepairableReason: 'earnings follow the order events already applied; correct the ledger with a data correction',
    },
  ];
}

/**
 * Compares a product and its variants' stock. A product, or a variant of it, inventory does not
 * know is `product_unknown` (re-sending the product creates the items); a known variant whose
 * count differs from Shopify's inventoryQuantity is `inventory_level_differs`, repairable when
 * Shopify says which inventory item and location hold it.
 */
export function compareProduct(shopify: ShopifyProductState, local: LocalProduct | undefined): FoundDiscrepancy[] {
  const { product } = shopify;
  if (local === undefined)
    return [{ kind: 'product_unknown', subjectId: product.id, shopifyValue: { ...shopify }, localValue: null, ...repairable }];
  const items = new Map(local.items.map((item) => [item.variantId, item]));
  const unknownVariants = product.variants.filter((variant) => !items.has(variant.id)).map((variant) => variant.id);
  if (unknownVariants.length > 0) {
    return [
      {
        kind: 'product_unknown',
        subjectId: product.id,
        shopifyValue: { ...shopify },
        localValue: { productId: local.productId, knownVariantIds: [...items.keys()], unknownVariantIds: unknownVariants },
        ...repairable,
      },
    ];
  }
  const found: FoundDiscrepancy[] = [];
  for (const variant of product.variants) {
    const item = items.get(variant.id);
    if (item === undefined || variant.inventoryQuantity === null || variant.inventoryQuantity === item.quantity) continue;
    const stock = shopify.stock.find((entry) => entry.variantId === variant.id);
    const located = stock?.inventoryItemId != null && stock.locationId !== null;
    found.push({
      kind: 'inventory_level_differs',
      subjectId: variant.id,
      shopifyValue: {
        productId: product.id,
        variantId: variant.id,
        inventoryItemId: stock?.inventoryItemId ?? null,
        locationId: stock?.locationId ?? null,
        available: variant.inventoryQuantity,
        updatedAt: stock?.updatedAt ?? product.updatedAt,
      },
      localValue: { variantId: item.variantId, inventoryItemId: item.inventoryItemId, quantity: item.quantity },
      repairable: located,
      notRepairableReason: located ? null : 'Shopify names no inventory item or location for this variant',
    });
  }
  return found;
}

/**
 * Books against stock, per order line: the units inventory still counts as sold for a consignor
 * equal the units earnings still has on the books for it (sales less reversals). Both apply the same
 * order-line rule, so any difference is a fault in one of them, which no Shopify event can repair.
 */
export function compareBooksWithStock(
  orderId: string,
  stock: LocalOrder | undefined,
  books: LocalEarningsEntry[] | undefined,
): FoundDiscrepancy[] {
  if (stock?.lines === undefined || stock.state === 'cancellation_held' || books === undefined) return [];
  const units = new Map<string, { stock: number; books: number }>();
  const at = (lineItemId: string) => {
    let counted = units.get(lineItemId);
    if (!counted) units.set(lineItemId, (counted = { stock: 0, books: 0 }));
    return counted;
  };
  for (const line of stock.lines) if (line.quantitySold > 0) at(line.lineItemId).stock += line.quantitySold - line.quantityReleased;
  for (const entry of books) at(entry.lineItemId).books += entry.type === 'sale' ? entry.quantity : -entry.quantity;
  const differing = [...units]
    .filter(([, counted]) => counted.stock !== counted.books)
    .map(([lineItemId, counted]) => ({ lineItemId, soldInInventory: counted.stock, onTheBooks: counted.books }));
  if (differing.length === 0) return [];
  return [
    {
      kind: 'books_stock_mismatch',
      subjectId: orderId,
      shopifyValue: { orderId },
      localValue: { lines: differing },
      repairable: false,
      notRepairableReason:
        'inventory and earnings disagree with each other, not with Shopify: find the event one of them missed (dead letters, exceptions) and redrive or correct it',
    },
  ];
}
