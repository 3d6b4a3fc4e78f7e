import { events, ShopifyLineItem, ShopifyOrderCreated } from '@consign/contracts';
import { deterministicEventId } from '../event-id';
import { toMinorUnits } from '../money';
import { arrayAt, idAt, integerAt, objectAt, optionalIdAt, optionalStringAt, stringAt, timestampAt } from '../payload-fields';
import { ShopifyDelivery } from './shopify-delivery';

/**
 * Maps a Shopify orders/create body to the ShopifyOrderCreated event. Money becomes integer minor
 * units of the order's currency; ids stay exact decimal strings.
 */
export function mapOrderCreated(payload: unknown, delivery: ShopifyDelivery): ShopifyOrderCreated {
  const order = objectAt(payload, 'body');
  const id = idAt(order, 'id', 'id');
  const currency = stringAt(order, 'currency', 'currency');
  const createdAt = timestampAt(order, 'created_at', 'created_at');
  const customer = order.customer === null || order.customer === undefined ? null : objectAt(order.customer, 'customer');
  const lineItems = arrayAt(order, 'line_items', 'line_items').map((item, index): ShopifyLineItem => {
    const path = `line_items[${index}]`;
    const line = objectAt(item, path);
    return {
      id: idAt(line, 'id', `${path}.id`),
      productId: optionalIdAt(line, 'product_id', `${path}.product_id`),
      variantId: optionalIdAt(line, 'variant_id', `${path}.variant_id`),
      sku: optionalStringAt(line, 'sku', `${path}.sku`),
      title: stringAt(line, 'title', `${path}.title`),
      quantity: integerAt(line, 'quantity', `${path}.quantity`, 1),
      unitPrice: { amountMinor: toMinorUnits(stringAt(line, 'price', `${path}.price`), currency, `${path}.price`), currency },
      totalDiscount: {
        amountMinor: toMinorUnits(optionalStringAt(line, 'total_discount', `${path}.total_discount`) ?? '0', currency, `${path}.total_discount`),
        currency,
      },
    };
  });
  return {
    metadata: {
      eventId: deterministicEventId('shopify', delivery.shopDomain, delivery.topic, delivery.eventId ?? delivery.webhookId),
      eventType: events.shopifyOrderCreated.type,
      schemaVersion: events.shopifyOrderCreated.schemaVersion,
      occurredAt: Date.parse(createdAt),
      receivedAt: delivery.receivedAt,
      source: 'shopify',
      tenantId: delivery.tenantId,
      shopifyWebhookId: delivery.webhookId,
      shopifyEventId: delivery.eventId,
      svixMessageId: null,
      correlationId: delivery.requestId,
      causationId: null,
    },
    order: {
      id,
      name: stringAt(order, 'name', 'name'),
      createdAt,
      financialStatus: optionalStringAt(order, 'financial_status', 'financial_status'),
      customerId: customer ? optionalIdAt(customer, 'id', 'customer.id') : null,
      totalPrice: { amountMinor: toMinorUnits(stringAt(order, 'total_price', 'total_price'), currency, 'total_price'), currency },
      lineItems,
    },
  };
}
