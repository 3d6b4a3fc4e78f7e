import { parse } from 'lossless-json';
import { developmentShopifyAdminTokens } from '@consign/tenants';
import { readFixture } from './fixtures';
import { ShopifyAdminStandIn, StandInOrder, StandInProduct, startShopifyAdminStandIn } from './shopify-admin-stand-in';

/** The token the reconciler presents for dev-store outside production: the only one the development shop accepts. */
export const developmentShopifyAdminToken = developmentShopifyAdminTokens['dev-store'];

/** The order the development shop holds whose webhook the platform never received: reconciliation finds it missing. */
export const developmentMissedOrderId = '9007199254740993001';

type ShopifyJson = Record<string, unknown>;

/** Fixture bodies with every number as its exact text, as Shopify's 64-bit ids must be read. */
function fixtureJson(path: string): ShopifyJson {
  return parse(readFixture(path).toString('utf8'), null, (digits: string) => digits) as ShopifyJson;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/**
 * What the development tenant `dev-store`'s Shopify would answer after the walk-through in
 * docs/integration-guide.md: the consignor's product and the sample order from the committed
 * fixtures, and one more order whose webhook was lost. Shopify's sample order is cancelled even on
 * orders/create, so a reconciliation also finds that cancellation missing locally. The orders are
 * stamped as updated at `now`, inside any reconciliation window.
 */
export function developmentShop(now: Date): { orders: StandInOrder[]; products: StandInProduct[] } {
  const product = fixtureJson('development/products-update-consignor.json');
  const order = fixtureJson('shopify/orders-create.json');
  const updatedAt = now.toISOString();
  const variants = product.variants as ShopifyJson[];
  const products: StandInProduct[] = [
    {
      id: String(product.id),
      title: String(product.title),
      handle: text(product.handle),
      status: String(product.status).toUpperCase() as StandInProduct['status'],
      vendor: text(product.vendor),
      productType: text(product.product_type),
      tags: String(product.tags)
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
      createdAt: String(product.created_at ?? product.published_at),
      updatedAt: String(product.updated_at),
      variants: variants.map((variant) => ({
        id: String(variant.id),
        title: String(variant.title),
        sku: text(variant.sku),
        price: String(variant.price),
        compareAtPrice: text(variant.compare_at_price),
        inventoryQuantity: variant.inventory_quantity === null ? null : Number(variant.inventory_quantity),
        updatedAt: String(variant.updated_at),
        // The sample leaves inventory_item_id out; real Shopify variants always have one, so the variant's id stands in.
        inventoryItemId: text(variant.inventory_item_id) ?? String(variant.id),
        locationId: null,
      })),
    },
  ];
  const lines = (order.line_items as ShopifyJson[]).map((line) => ({
    id: String(line.id),
    title: String(line.title),
    sku: text(line.sku),
    quantity: Number(line.quantity),
    currentQuantity: Number(line.current_quantity ?? line.quantity),
    productId: text(line.product_id),
    variantId: text(line.variant_id),
    price: String(line.price),
    totalDiscount: String(line.total_discount ?? '0.00'),
  }));
  const sample: StandInOrder = {
    id: String(order.id),
    name: String(order.name),
    createdAt: updatedAt,
    updatedAt,
    cancelledAt: text(order.cancelled_at),
    cancelReason: order.cancel_reason ? (String(order.cancel_reason).toUpperCase() as StandInOrder['cancelReason']) : null,
    displayFinancialStatus: String(order.financial_status).toUpperCase() as StandInOrder['displayFinancialStatus'],
    currencyCode: String(order.currency),
    totalPrice: String(order.total_price),
    customerId: text((order.customer as ShopifyJson | undefined)?.id),
    lineItems: lines,
  };
  const consignorLine = lines[0];
  const missed: StandInOrder = {
    id: developmentMissedOrderId,
    name: '#1002',
    createdAt: updatedAt,
    updatedAt,
    displayFinancialStatus: 'PAID',
    currencyCode: sample.currencyCode,
    totalPrice: consignorLine.price,
    customerId: sample.customerId,
    lineItems: [{ ...consignorLine, id: `${developmentMissedOrderId.slice(0, -3)}101` }],
  };
  return { orders: [sample, missed], products };
}

/** The development-only Shopify Admin API for `npm start`: the stand-in, seeded with the development shop. */
export function startDevelopmentShopify(port: number, now = new Date()): Promise<ShopifyAdminStandIn> {
  return startShopifyAdminStandIn({ port, accessToken: developmentShopifyAdminToken, ...developmentShop(now) });
}
