import {
  EventMetadata,
  ShopifyInventoryLevelUpdated,
  ShopifyLineItem,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderUpdated,
  ShopifyProductUpserted,
  ShopifyRefund,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { testEventMetadata } from '@consign/test-support';

/** Events as the gateway produces them, built by hand: the gateway's mapping lib is another scope's. */

export function tenantNamed(id: string): Tenant {
  return {
    id,
    shopDomain: `${id}.myshopify.com`,
    shopifyWebhookSecrets: ['secret'],
    clerkInstanceIds: [],
    clerkSigningSecrets: [],
    currency: 'USD',
    defaultCommissionRateBasisPoints: 4000,
    consignorTagPrefix: 'consignor:',
  };
}

function metadata(tenantId: string, eventId: string, eventType: string, occurredAt: string): EventMetadata {
  return testEventMetadata(eventType, {
    eventId,
    occurredAt: Date.parse(occurredAt),
    receivedAt: Date.parse(occurredAt) + 1000,
    tenantId,
    shopifyWebhookId: `webhook-${eventId}`,
    shopifyEventId: `event-${eventId}`,
    correlationId: `correlation-${eventId}`,
  });
}

export interface VariantInput {
  id: string;
  inventoryItemId?: string | null;
  quantity?: number | null;
  sku?: string | null;
}

export function productUpserted(
  tenantId: string,
  eventId: string,
  product: { id: string; title?: string; status?: string; tags?: string[]; updatedAt?: string | null; variants: VariantInput[] },
): ShopifyProductUpserted {
  const updatedAt = product.updatedAt === undefined ? '2026-01-01T09:00:00Z' : product.updatedAt;
  return {
    metadata: metadata(tenantId, eventId, 'shopify.product.upserted', updatedAt ?? '2026-01-01T09:00:00Z'),
    change: 'updated',
    product: {
      id: product.id,
      title: product.title ?? `Product ${product.id}`,
      handle: null,
      status: product.status ?? 'active',
      vendor: null,
      productType: null,
      tags: product.tags ?? [],
      createdAt: '2026-01-01T08:00:00Z',
      updatedAt,
      variants: product.variants.map((variant) => ({
        id: variant.id,
        title: `Variant ${variant.id}`,
        sku: variant.sku === undefined ? `SKU-${variant.id}` : variant.sku,
        price: { amountMinor: 5000, currency: 'USD' },
        compareAtPrice: null,
        inventoryItemId: variant.inventoryItemId === undefined ? `inv-${variant.id}` : variant.inventoryItemId,
        inventoryQuantity: variant.quantity === undefined ? 1 : variant.quantity,
      })),
    },
  };
}

export interface LineInput {
  id: string;
  variantId: string | null;
  quantity?: number;
}

function lineItems(lines: LineInput[]): ShopifyLineItem[] {
  return lines.map((line) => ({
    id: line.id,
    productId: null,
    variantId: line.variantId,
    sku: null,
    title: `Line ${line.id}`,
    quantity: line.quantity ?? 1,
    unitPrice: { amountMinor: 5000, currency: 'USD' },
    totalDiscount: { amountMinor: 0, currency: 'USD' },
  }));
}

function order(orderId: string, lines: LineInput[]) {
  return {
    id: orderId,
    name: `#${orderId}`,
    createdAt: '2026-01-02T10:00:00Z',
    financialStatus: 'paid',
    customerId: null,
    totalPrice: { amountMinor: 5000 * lines.length, currency: 'USD' },
    lineItems: lineItems(lines),
  };
}

export function orderCreated(tenantId: string, eventId: string, orderId: string, lines: LineInput[]): ShopifyOrderCreated {
  return { metadata: metadata(tenantId, eventId, 'shopify.order.created', '2026-01-02T10:00:00Z'), order: order(orderId, lines) };
}

/** Without `currentQuantities`, every line is cancelled down to 0, as Shopify reports a plain cancel. */
export function orderCancelled(
  tenantId: string,
  eventId: string,
  orderId: string,
  lines: LineInput[],
  changes: { currentQuantities?: Record<string, number>; refunds?: ShopifyRefund[]; cancelledAt?: string } = {},
): ShopifyOrderCancelled {
  const cancelledAt = changes.cancelledAt ?? '2026-01-03T10:00:00Z';
  return {
    metadata: metadata(tenantId, eventId, 'shopify.order.cancelled', cancelledAt),
    order: order(orderId, lines),
    cancelledAt,
    cancelReason: 'customer',
    currentQuantities: changes.currentQuantities ?? Object.fromEntries(lines.map((line) => [line.id, 0])),
    refunds: changes.refunds ?? [],
  };
}

/** orders/updated: the order as it is now, with its refunds so far; every line still whole unless told. */
export function orderUpdated(
  tenantId: string,
  eventId: string,
  orderId: string,
  lines: LineInput[],
  changes: { currentQuantities?: Record<string, number>; refunds?: ShopifyRefund[]; cancelledAt?: string } = {},
): ShopifyOrderUpdated {
  return {
    metadata: metadata(tenantId, eventId, 'shopify.order.updated', '2026-01-02T12:00:00Z'),
    order: order(orderId, lines),
    updatedAt: '2026-01-02T12:00:00Z',
    fulfillmentStatus: null,
    cancelledAt: changes.cancelledAt ?? null,
    currentQuantities: changes.currentQuantities ?? Object.fromEntries(lines.map((line) => [line.id, line.quantity ?? 1])),
    currentTotalPrice: { amountMinor: 5000 * lines.length, currency: 'USD' },
    refunds: changes.refunds ?? [],
  };
}

export function refund(
  id: string,
  refundLines: Array<{ lineItemId: string; quantity: number; restockType: string | null }>,
): ShopifyRefund {
  return {
    id,
    createdAt: '2026-01-03T10:00:00Z',
    note: null,
    refundLineItems: refundLines.map((line, index) => ({
      id: `${id}-${index}`,
      ...line,
      subtotal: { amountMinor: 5000 * line.quantity, currency: 'USD' },
    })),
  };
}

/** refunds/create: one refund, dated when it was made. */
export function refundCreated(tenantId: string, eventId: string, orderId: string, made: ShopifyRefund): ShopifyRefundCreated {
  return { metadata: metadata(tenantId, eventId, 'shopify.refund.created', made.createdAt), orderId, refund: made };
}

export function levelUpdated(
  tenantId: string,
  eventId: string,
  inventoryItemId: string,
  available: number | null,
  updatedAt: string,
): ShopifyInventoryLevelUpdated {
  return {
    metadata: metadata(tenantId, eventId, 'shopify.inventory_level.updated', updatedAt),
    inventoryItemId,
    locationId: 'location-1',
    available,
    updatedAt,
  };
}
