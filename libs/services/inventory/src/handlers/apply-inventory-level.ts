import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyInventoryLevelUpdated } from '@consign/contracts';
import { levelVersionOf } from '../domain/applied-version';
import { itemAfterLevel, ItemState } from '../domain/item';
import { holdInventoryLevel } from '../store/held-inventory-levels';
import { lockHoldSubjects } from '../store/hold-locks';
import { lockItemsByInventoryItem, saveItemChanges } from '../store/items';

/**
 * Shopify's count of an inventory item changed: sets the count of the item(s) with that inventory
 * item, unless a newer count is already applied. An inventory item no known variant has yet is
 * held for the product sync that brings it (topics are consumed in parallel: a rebuild often sees
 * the level first); it goes to reconciliation only if it waits too long. Publishes nothing.
 */
export async function applyInventoryLevel(manager: EntityManager, event: ShopifyInventoryLevelUpdated): Promise<PlatformEvent[]> {
  await lockHoldSubjects(manager, event.metadata.tenantId, { inventoryItemIds: [event.inventoryItemId] });
  const items = await lockItemsByInventoryItem(manager, event.metadata.tenantId, event.inventoryItemId);
  if (items.length === 0) await holdInventoryLevel(manager, event);
  else await setLevel(manager, items, event);
  return [];
}

/** Sets the count of these (locked) items with the level's inventory item, unless a newer count is applied. */
export async function setLevel(manager: EntityManager, items: readonly ItemState[], event: ShopifyInventoryLevelUpdated): Promise<void> {
  const version = levelVersionOf(event);
  const source = {
    cause: 'level_update' as const,
    sourceEventId: event.metadata.eventId,
    orderId: null,
    lineItemId: null,
    occurredAt: version.at,
  };
  await saveItemChanges(
    manager,
    items.flatMap((item) => {
      const after = itemAfterLevel(item, event.available, version);
      return after === undefined ? [] : [{ quantityBefore: item.quantity, item: after, source }];
    }),
  );
}
