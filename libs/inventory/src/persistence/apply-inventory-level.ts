import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyInventoryLevelUpdated } from '@consign/contracts';
import { sourceTimeOf } from '../domain/applied-version';
import { itemAfterLevel } from '../domain/item';
import { lockItemsByInventoryItem, saveItemChange } from './items';
import { recordForReconciliation } from './reconciliation';

/**
 * Shopify's count of an inventory item changed: sets the count of the item(s) with that inventory
 * item, unless a newer count is already applied. An inventory item no known variant has is
 * recorded for reconciliation: not an error, and retrying would not help. Publishes nothing.
 */
export async function applyInventoryLevel(manager: EntityManager, event: ShopifyInventoryLevelUpdated): Promise<PlatformEvent[]> {
  const tenantId = event.metadata.tenantId;
  const items = await lockItemsByInventoryItem(manager, tenantId, event.inventoryItemId);
  if (items.length === 0) {
    await recordForReconciliation(manager, {
      tenantId,
      kind: 'inventory_item_unknown',
      sourceEventId: event.metadata.eventId,
      subjectId: event.inventoryItemId,
      orderId: null,
      detail: { locationId: event.locationId, available: event.available, updatedAt: event.updatedAt },
    });
    return [];
  }
  const version = { at: sourceTimeOf(event.updatedAt, event.metadata.occurredAt), eventId: event.metadata.eventId };
  for (const item of items) {
    const after = itemAfterLevel(item, event.available, version);
    if (after === undefined) continue;
    await saveItemChange(manager, item.quantity, after, {
      cause: 'level_update',
      sourceEventId: event.metadata.eventId,
      orderId: null,
      lineItemId: null,
      occurredAt: version.at,
    });
  }
  return [];
}
