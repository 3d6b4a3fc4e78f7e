import { EntityManager } from 'typeorm';
import { ShopifyInventoryLevelUpdated } from '@consign/contracts';
import { escalateHeldEvents, resolveReconciliation } from './reconciliation';

/** Keeps a level update for an inventory item no known variant has; the product sync that brings one applies it. */
export async function holdInventoryLevel(manager: EntityManager, event: ShopifyInventoryLevelUpdated): Promise<void> {
  await manager.query(
    `INSERT INTO held_inventory_levels (tenant_id, inventory_item_id, event_id, event)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [event.metadata.tenantId, event.inventoryItemId, event.metadata.eventId, JSON.stringify(event)],
  );
}

/** Removes the levels held for these inventory items and returns them, their records resolved: the caller applies them now. */
export async function takeHeldInventoryLevels(
  manager: EntityManager,
  tenantId: string,
  inventoryItemIds: readonly string[],
): Promise<ShopifyInventoryLevelUpdated[]> {
  // DELETE … RETURNING goes through a CTE: TypeORM answers the bare statement with [rows, count].
  const rows: Array<{ event: ShopifyInventoryLevelUpdated }> = await manager.query(
    `WITH taken AS (DELETE FROM held_inventory_levels WHERE tenant_id = $1 AND inventory_item_id = ANY($2::text[]) RETURNING event)
     SELECT event FROM taken`,
    [tenantId, [...inventoryItemIds]],
  );
  for (const { event } of rows)
    await resolveReconciliation(manager, tenantId, 'inventory_item_unknown', event.metadata.eventId, event.inventoryItemId);
  return rows.map(({ event }) => event);
}

/** Hands the levels held since before `heldBefore` to reconciliation, once each; they stay held. Returns how many. */
export function escalateOverdueInventoryLevels(manager: EntityManager, heldBefore: Date): Promise<number> {
  return escalateHeldEvents<ShopifyInventoryLevelUpdated>(manager, { table: 'held_inventory_levels' }, heldBefore, (event, heldAt) => ({
    tenantId: event.metadata.tenantId,
    kind: 'inventory_item_unknown',
    sourceEventId: event.metadata.eventId,
    subjectId: event.inventoryItemId,
    orderId: null,
    detail: { locationId: event.locationId, available: event.available, updatedAt: event.updatedAt, heldAt: heldAt.toISOString() },
  }));
}
