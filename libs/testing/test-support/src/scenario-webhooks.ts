import { randomInt, randomUUID } from 'node:crypto';
import { readFixture } from './fixtures';
import { shopifySignature, svixSignature } from './webhook-signing';

/**
 * Webhook bodies for scenario tests, made from the shared fixtures (what Shopify and Clerk really
 * send) with the fields a scenario needs replaced, and delivered signed through the gateway.
 */
type Json = Record<string, unknown>;

const orderFixture = JSON.parse(readFixture('shopify/orders-create.json').toString()) as Json;
const productFixture = JSON.parse(readFixture('shopify/products-create.json').toString()) as Json;
const clerkCreatedFixture = JSON.parse(readFixture('clerk/user-created.json').toString()) as Json;

/** An id in Shopify's range that JSON.stringify keeps exact; each call gives a new one. */
export function shopifyId(): number {
  return 9_000_000_000_000 + randomInt(0, 2 ** 40);
}

export interface VariantSpec {
  id: number;
  inventoryItemId: number;
  sku: string;
  price: string;
  quantity: number;
}

export function productBody(spec: {
  id: number;
  title: string;
  tags: string[];
  status?: string;
  updatedAt?: string;
  variants: VariantSpec[];
}): string {
  const template = (productFixture.variants as Json[])[0];
  return JSON.stringify({
    ...productFixture,
    id: spec.id,
    admin_graphql_api_id: `gid://shopify/Product/${spec.id}`,
    title: spec.title,
    handle: spec.title.toLowerCase().replace(/\W+/g, '-'),
    status: spec.status ?? 'active',
    tags: spec.tags.join(', '),
    updated_at: spec.updatedAt ?? new Date().toISOString(),
    variants: spec.variants.map((variant) => ({
      ...template,
      id: variant.id,
      admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`,
      product_id: spec.id,
      sku: variant.sku,
      price: variant.price,
      compare_at_price: null,
      inventory_item_id: variant.inventoryItemId,
      inventory_quantity: variant.quantity,
      old_inventory_quantity: variant.quantity,
    })),
    variant_gids: spec.variants.map((variant) => ({
      admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`,
      updated_at: new Date().toISOString(),
    })),
  });
}

export interface LineSpec {
  id: number;
  productId: number;
  variantId: number;
  title: string;
  quantity: number;
  price: string;
  discount?: string;
  /** Units left after a cancellation or refund (Shopify current_quantity); the ordered quantity when absent. */
  currentQuantity?: number;
}

export interface OrderSpec {
  id: number;
  name: string;
  currency?: string;
  financialStatus?: string;
  withCustomer?: boolean;
  cancelledAt?: string | null;
  lines: LineSpec[];
  /** Refunds as Shopify sends them with the order: each line refunds units of an order line, restocked or not. */
  refunds?: Array<{
    id: number;
    lines: Array<{ id: number; lineItemId: number; quantity: number; restockType: string; subtotal: string }>;
  }>;
}

export function orderBody(spec: OrderSpec): string {
  const currency = spec.currency ?? 'USD';
  const template = (orderFixture.line_items as Json[])[0];
  const money = (amount: string): Json => ({
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  });
  const total = spec.lines.reduce(
    (sum, line) => sum + Math.round(Number(line.price) * 100) * line.quantity - Math.round(Number(line.discount ?? '0') * 100),
    0,
  );
  const totalText = (total / 100).toFixed(2);
  return JSON.stringify({
    ...orderFixture,
    id: spec.id,
    admin_graphql_api_id: `gid://shopify/Order/${spec.id}`,
    name: spec.name,
    currency,
    presentment_currency: currency,
    financial_status: spec.financialStatus ?? 'pending',
    cancelled_at: spec.cancelledAt ?? null,
    cancel_reason: spec.cancelledAt ? 'customer' : null,
    created_at: '2026-11-28T10:00:00-05:00',
    updated_at: spec.cancelledAt ?? '2026-11-28T10:00:00-05:00',
    total_price: totalText,
    total_price_set: money(totalText),
    current_total_price: totalText,
    total_outstanding: spec.financialStatus === 'paid' ? '0.00' : totalText,
    customer: spec.withCustomer === false ? null : orderFixture.customer,
    refunds: (spec.refunds ?? []).map((refund) => ({
      id: refund.id,
      created_at: spec.cancelledAt ?? '2026-11-28T10:30:00-05:00',
      note: null,
      refund_line_items: refund.lines.map((line) => ({
        id: line.id,
        line_item_id: line.lineItemId,
        quantity: line.quantity,
        restock_type: line.restockType,
        subtotal: line.subtotal,
        subtotal_set: money(line.subtotal),
      })),
    })),
    line_items: spec.lines.map((line) => ({
      ...template,
      id: line.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
      product_id: line.productId,
      variant_id: line.variantId,
      title: line.title,
      name: line.title,
      sku: `SKU-${line.variantId}`,
      quantity: line.quantity,
      current_quantity: line.currentQuantity ?? line.quantity,
      price: line.price,
      price_set: money(line.price),
      total_discount: line.discount ?? '0.00',
      total_discount_set: money(line.discount ?? '0.00'),
      discount_allocations: [],
    })),
  });
}

/** A Shopify refunds/create body: one refund of order lines, each with its amount and restock type. */
export function refundBody(spec: {
  id: number;
  orderId: number;
  createdAt: string;
  currency?: string;
  lines: Array<{ id: number; lineItemId: number; quantity: number; restockType: string; subtotal: string }>;
}): string {
  const currency = spec.currency ?? 'USD';
  const money = (amount: string): Json => ({
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  });
  const total = spec.lines.reduce((sum, line) => sum + Math.round(Number(line.subtotal) * 100), 0);
  return JSON.stringify({
    id: spec.id,
    order_id: spec.orderId,
    created_at: spec.createdAt,
    note: null,
    restock: spec.lines.some((line) => line.restockType !== 'no_restock'),
    admin_graphql_api_id: `gid://shopify/Refund/${spec.id}`,
    refund_line_items: spec.lines.map((line) => ({
      id: line.id,
      line_item_id: line.lineItemId,
      quantity: line.quantity,
      restock_type: line.restockType,
      subtotal: Number(line.subtotal),
      subtotal_set: money(line.subtotal),
      total_tax: 0,
      total_tax_set: money('0.00'),
    })),
    transactions: [
      { id: spec.id + 1, order_id: spec.orderId, kind: 'refund', status: 'success', amount: (total / 100).toFixed(2), currency },
    ],
    order_adjustments: [],
  });
}

export function inventoryLevelBody(spec: { inventoryItemId: number; available: number | null; updatedAt: string }): string {
  return JSON.stringify({
    inventory_item_id: spec.inventoryItemId,
    location_id: 24826418,
    available: spec.available,
    updated_at: spec.updatedAt,
    admin_graphql_api_id: `gid://shopify/InventoryLevel/24826418?inventory_item_id=${spec.inventoryItemId}`,
  });
}

export function clerkUserBody(
  type: 'user.created' | 'user.updated' | 'user.deleted',
  user: { id: string; email?: string; firstName?: string; lastName?: string; publicMetadata?: Json; updatedAt?: number },
): string {
  const base = clerkCreatedFixture.data as Json;
  const data =
    type === 'user.deleted'
      ? { deleted: true, id: user.id, object: 'user' }
      : {
          ...base,
          id: user.id,
          first_name: user.firstName ?? 'Example',
          last_name: user.lastName ?? 'Consignor',
          email_addresses: [
            { ...(base.email_addresses as Json[])[0], email_address: user.email ?? `${user.id}@example.test`, id: `idn_${user.id}` },
          ],
          primary_email_address_id: `idn_${user.id}`,
          external_id: null,
          public_metadata: user.publicMetadata ?? {},
          created_at: 1_764_300_000_000,
          updated_at: user.updatedAt ?? Date.now(),
        };
  return JSON.stringify({ ...clerkCreatedFixture, data, type, timestamp: Date.now(), instance_id: 'ins_123' });
}

export interface Accepted {
  status: string;
  eventId: string;
}

/** Delivers signed webhooks to a running gateway. */
export class WebhookSender {
  constructor(private readonly gatewayUrl: string) {}

  async shopify(
    topic: string,
    body: string,
    ids: { webhookId?: string; eventId?: string; shopDomain?: string; secret?: string } = {},
  ): Promise<Accepted> {
    const response = await fetch(`${this.gatewayUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': ids.shopDomain ?? 'shop.myshopify.com',
        'x-shopify-api-version': '2026-07',
        'x-shopify-webhook-id': ids.webhookId ?? randomUUID(),
        'x-shopify-event-id': ids.eventId ?? randomUUID(),
        'x-shopify-triggered-at': new Date().toISOString(),
        'x-shopify-hmac-sha256': shopifySignature(body, ids.secret),
      },
      body,
    });
    if (response.status !== 200) throw new Error(`gateway answered ${topic} with ${response.status}: ${await response.text()}`);
    return (await response.json()) as Accepted;
  }

  async clerk(body: string, svixId = `msg_${randomUUID().replace(/-/g, '')}`): Promise<Accepted> {
    const timestamp = Math.floor(Date.now() / 1000);
    const bytes = Buffer.from(body);
    const response = await fetch(`${this.gatewayUrl}/webhooks/clerk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'svix-id': svixId,
        'svix-timestamp': String(timestamp),
        'svix-signature': svixSignature(bytes, svixId, timestamp),
      },
      body: bytes,
    });
    if (response.status !== 200) throw new Error(`gateway answered the Clerk delivery with ${response.status}: ${await response.text()}`);
    return (await response.json()) as Accepted;
  }
}
