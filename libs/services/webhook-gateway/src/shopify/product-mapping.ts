import { events, Money, ShopifyProductChange, ShopifyProductUpserted, ShopifyProductVariant } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { amountTextAt, optionalAmountTextAt, toMinorUnits } from '../money';
import {
  avroIntMax,
  avroIntMin,
  arrayAt,
  boundedText,
  idAt,
  objectAt,
  optionalIdAt,
  optionalIntegerAt,
  optionalStringAt,
  optionalTimestampAt,
  stringAt,
} from '../payload-fields';
import { textLimits } from '../validation/text-limits';
import { shopifyEventMetadata, ShopifyDelivery } from './shopify-delivery';

const changeByTopic: Record<string, ShopifyProductChange> = { 'products/create': 'created', 'products/update': 'updated' };

function changeOf(topic: string): ShopifyProductChange {
  if (!Object.hasOwn(changeByTopic, topic)) {
    throw new PlatformError(`topic "${topic}" does not carry a product`, {
      code: 'shopify.topic_not_supported',
      category: 'invalid',
      details: { topic, supportedTopics: Object.keys(changeByTopic) },
    });
  }
  return changeByTopic[topic];
}

/** Shopify's comma-separated tags, each within Shopify's limit for one tag. */
function tagsOf(tags: string | null): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => boundedText(tag.trim(), 'tags', textLimits.shopifyText))
    .filter((tag) => tag !== '');
}

/**
 * The product's own times come first; Shopify sometimes leaves them null, and then the time it
 * says it triggered the webhook, then when it reached us.
 */
function occurredAtOf(change: ShopifyProductChange, createdAt: string | null, updatedAt: string | null, delivery: ShopifyDelivery): number {
  const own = change === 'created' ? (createdAt ?? updatedAt) : (updatedAt ?? createdAt);
  if (own !== null) return Date.parse(own);
  const triggeredAt = delivery.triggeredAt === null ? Number.NaN : Date.parse(delivery.triggeredAt);
  return Number.isNaN(triggeredAt) ? delivery.receivedAt : triggeredAt;
}

/**
 * Maps a Shopify products/create or products/update body. Shopify sends product prices without a
 * currency: they are in the shop's currency, which is the tenant's.
 */
export function mapProductUpserted(payload: unknown, delivery: ShopifyDelivery): ShopifyProductUpserted {
  const change = changeOf(delivery.topic);
  const product = objectAt(payload, 'body');
  const id = idAt(product, 'id', 'id');
  const { currency } = delivery;
  const money = (amount: string, path: string): Money => ({ amountMinor: toMinorUnits(amount, currency, path), currency });
  const variants = arrayAt(product, 'variants', 'variants').map((item, index): ShopifyProductVariant => {
    const path = `variants[${index}]`;
    const variant = objectAt(item, path);
    const compareAtPrice = optionalAmountTextAt(variant, 'compare_at_price', `${path}.compare_at_price`);
    return {
      id: idAt(variant, 'id', `${path}.id`),
      title: stringAt(variant, 'title', `${path}.title`, textLimits.variantTitle),
      sku: optionalStringAt(variant, 'sku', `${path}.sku`, textLimits.shopifyText),
      price: money(amountTextAt(variant, 'price', `${path}.price`), `${path}.price`),
      compareAtPrice: compareAtPrice === null ? null : money(compareAtPrice, `${path}.compare_at_price`),
      inventoryItemId: optionalIdAt(variant, 'inventory_item_id', `${path}.inventory_item_id`),
      inventoryQuantity: optionalIntegerAt(variant, 'inventory_quantity', `${path}.inventory_quantity`, avroIntMin, avroIntMax),
    };
  });
  const createdAt = optionalTimestampAt(product, 'created_at', 'created_at');
  const updatedAt = optionalTimestampAt(product, 'updated_at', 'updated_at');
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyProductUpserted, occurredAtOf(change, createdAt, updatedAt, delivery)),
    change,
    product: {
      id,
      title: stringAt(product, 'title', 'title', textLimits.shopifyText),
      handle: optionalStringAt(product, 'handle', 'handle', textLimits.shopifyText),
      status: stringAt(product, 'status', 'status', textLimits.enumeration),
      vendor: optionalStringAt(product, 'vendor', 'vendor', textLimits.shopifyText),
      productType: optionalStringAt(product, 'product_type', 'product_type', textLimits.shopifyText),
      tags: tagsOf(optionalStringAt(product, 'tags', 'tags', textLimits.tags)),
      createdAt,
      updatedAt,
      variants,
    },
  };
}
