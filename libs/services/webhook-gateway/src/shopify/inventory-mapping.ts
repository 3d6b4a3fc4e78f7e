import { events, ShopifyInventoryLevelUpdated } from '@consign/contracts';
import { avroIntMax, avroIntMin, idAt, objectAt, optionalIntegerAt, timestampAt } from '../payload-fields';
import { shopifyEventMetadata, ShopifyDelivery } from './shopify-delivery';

/**
 * Maps a Shopify inventory_levels/update body. `available` may be negative (oversold) and is null
 * when Shopify does not track the item at the location.
 */
export function mapInventoryLevelUpdated(payload: unknown, delivery: ShopifyDelivery): ShopifyInventoryLevelUpdated {
  const level = objectAt(payload, 'body');
  const inventoryItemId = idAt(level, 'inventory_item_id', 'inventory_item_id');
  const locationId = idAt(level, 'location_id', 'location_id');
  const available = optionalIntegerAt(level, 'available', 'available', avroIntMin, avroIntMax);
  const updatedAt = timestampAt(level, 'updated_at', 'updated_at');
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyInventoryLevelUpdated, Date.parse(updatedAt)),
    inventoryItemId,
    locationId,
    available,
    updatedAt,
  };
}
