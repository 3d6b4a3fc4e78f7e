import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyProductUpserted } from '@consign/contracts';
import { consignorIdFromTags, Tenant } from '@consign/tenants';
import { ProductOwnership } from '../domain/sale';
import { lockForTransaction } from '../store/locks';
import { releaseLinesAwaitingProduct } from '../store/order-lines';
import { assertTenant } from '../store/earnings-source';

/**
 * Keeps which consignor a product belongs to, from its tags. The product with the latest updatedAt
 * wins, so an older update delivered late does not undo a newer one; one without updatedAt never
 * replaces one that has it. Order lines held for the product are then evaluated.
 */
export async function recordProductOwnership(
  manager: EntityManager,
  event: ShopifyProductUpserted,
  tenant: Tenant,
): Promise<PlatformEvent[]> {
  assertTenant(event.metadata, tenant);
  const { product } = event;
  await lockForTransaction(manager, tenant.id, 'product', [product.id]);
  const consignorId = consignorIdFromTags(product.tags, tenant.consignorTagPrefix) ?? null;
  const updatedAt = product.updatedAt === null ? NaN : Date.parse(product.updatedAt);
  await manager.query(
    `INSERT INTO product_consignors AS current (tenant_id, product_id, consignor_id, product_updated_at, event_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, product_id) DO UPDATE
       SET consignor_id = excluded.consignor_id, product_updated_at = excluded.product_updated_at, event_id = excluded.event_id, recorded_at = now()
       WHERE current.product_updated_at IS NULL OR excluded.product_updated_at > current.product_updated_at`,
    [tenant.id, product.id, consignorId, Number.isNaN(updatedAt) ? null : new Date(updatedAt), event.metadata.eventId],
  );
  const ownership = await productOwnership(manager, tenant.id, product.id);
  // The consignor's lock before the orders' (locks.ts): their terms decide the released lines.
  if (ownership.kind === 'consignor') await lockForTransaction(manager, tenant.id, 'consignor', [ownership.consignorId]);
  return releaseLinesAwaitingProduct(manager, tenant, product.id, ownership);
}

export async function productOwnership(manager: EntityManager, tenantId: string, productId: string): Promise<ProductOwnership> {
  return (await productOwnerships(manager, tenantId, [productId])).get(productId) ?? { kind: 'never_seen' };
}

/** Whose each of these products is, read in one statement (an order's lines name several). */
export async function productOwnerships(
  manager: EntityManager,
  tenantId: string,
  productIds: readonly string[],
): Promise<Map<string, ProductOwnership>> {
  const ownerships = new Map<string, ProductOwnership>(productIds.map((productId) => [productId, { kind: 'never_seen' }]));
  if (productIds.length === 0) return ownerships;
  const rows: { product_id: string; consignor_id: string | null }[] = await manager.query(
    'SELECT product_id, consignor_id FROM product_consignors WHERE tenant_id = $1 AND product_id = ANY($2::text[])',
    [tenantId, [...new Set(productIds)]],
  );
  for (const row of rows)
    ownerships.set(row.product_id, row.consignor_id === null ? { kind: 'store' } : { kind: 'consignor', consignorId: row.consignor_id });
  return ownerships;
}
