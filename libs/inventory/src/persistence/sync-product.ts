import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyProductUpserted } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { isSupersededBy } from '../domain/applied-version';
import { itemAfterProductSync } from '../domain/item';
import { productSnapshotOf } from '../domain/product-items';
import { lockItemsByVariant, saveItemChange } from './items';

interface ProductVersionRow {
  version_at: Date;
  version_event_id: string;
}

/**
 * A product was created or updated: upserts its items, one per variant. An update Shopify dated
 * before the one already applied (or the same event again) changes nothing. Publishes nothing.
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
    [tenantId, product.productId, product.title, product.status, product.consignorId, new Date(product.version.at), product.version.eventId],
  );
  const items = await lockItemsByVariant(
    manager,
    tenantId,
    product.variants.map((variant) => variant.variantId),
  );
  for (const variant of product.variants) {
    const existing = items.get(variant.variantId);
    const item = itemAfterProductSync(tenantId, existing, product, variant);
    await saveItemChange(manager, existing?.quantity ?? 0, item, {
      cause: 'product_sync',
      sourceEventId: event.metadata.eventId,
      orderId: null,
      lineItemId: null,
      occurredAt: product.version.at,
    });
  }
  return [];
}
