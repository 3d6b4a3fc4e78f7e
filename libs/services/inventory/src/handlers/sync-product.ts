import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyProductUpserted } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { isSupersededBy } from '../domain/applied-version';
import { itemAfterProductSync } from '../domain/item';
import { productSnapshotOf } from '../domain/product-items';
import { takeHeldInventoryLevels } from '../store/held-inventory-levels';
import { lockOrdersAwaiting, takeHeldOrders } from '../store/held-orders';
import { lockHoldSubjects } from '../store/hold-locks';
import { lockItemsByVariant, saveItemChanges } from '../store/items';
import { replayHeld } from './replay-held';

interface ProductVersionRow {
  version_at: Date;
  version_event_id: string;
}

/**
 * A product was created or updated: upserts its items, one per variant. An update Shopify dated
 * before the one already applied (or the same event again) changes nothing. Then applies what
 * waited for its variants and inventory items: each held order whose variants are now all known,
 * and level updates (replayHeld), which publishes what those would have published had the product
 * come first.
 */
export async function syncProduct(manager: EntityManager, event: ShopifyProductUpserted, tenant: Tenant): Promise<PlatformEvent[]> {
  const tenantId = event.metadata.tenantId;
  const product = productSnapshotOf(event, tenant.consignorTagPrefix);
  const [applied]: ProductVersionRow[] = await manager.query(
    'SELECT version_at, version_event_id FROM products WHERE tenant_id = $1 AND product_id = $2 FOR UPDATE',
    [tenantId, product.productId],
  );
  if (isSupersededBy(product.version, applied ? { at: applied.version_at.getTime(), eventId: applied.version_event_id } : null)) return [];

  await manager.query(
    `INSERT INTO products (tenant_id, product_id, title, status, consignor_id, version_at, version_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant_id, product_id) DO UPDATE SET
       title = EXCLUDED.title, status = EXCLUDED.status, consignor_id = EXCLUDED.consignor_id,
       version_at = EXCLUDED.version_at, version_event_id = EXCLUDED.version_event_id`,
    [
      tenantId,
      product.productId,
      product.title,
      product.status,
      product.consignorId,
      new Date(product.version.at),
      product.version.eventId,
    ],
  );
  const variantIds = product.variants.map((variant) => variant.variantId);
  const inventoryItemIds = product.variants.flatMap((variant) => (variant.inventoryItemId === null ? [] : [variant.inventoryItemId]));
  await lockHoldSubjects(manager, tenantId, { variantIds, inventoryItemIds });
  const heldOrders = await lockOrdersAwaiting(manager, tenantId, variantIds);
  // The items the held orders name are locked with the product's own, in one sorted order: replaying
  // an order locks them again, and order handlers lock theirs sorted too, so none waits in a cycle.
  const items = await lockItemsByVariant(manager, tenantId, [...variantIds, ...heldOrders.flatMap((held) => held.variantIds)]);
  const source = {
    cause: 'product_sync' as const,
    sourceEventId: event.metadata.eventId,
    orderId: null,
    lineItemId: null,
    occurredAt: product.version.at,
  };
  await saveItemChanges(
    manager,
    product.variants.map((variant) => {
      const existing = items.get(variant.variantId);
      return { quantityBefore: existing?.quantity ?? 0, item: itemAfterProductSync(tenantId, existing, product, variant), source };
    }),
  );
  // A held order also waiting for another product's variant stays held; that product's sync, if it
  // committed while this one waited for the hold's lock, is seen here, and the order is ready.
  const known = new Set([...items.keys(), ...variantIds]);
  const ready = heldOrders.filter((held) => held.awaitedVariantIds.every((variantId) => known.has(variantId)));
  return replayHeld(manager, await takeHeldOrders(manager, ready), await takeHeldInventoryLevels(manager, tenantId, inventoryItemIds));
}
