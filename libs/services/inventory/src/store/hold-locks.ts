import { EntityManager } from 'typeorm';

/**
 * Serialises holding an event for a variant or inventory item not known yet with the product sync
 * that brings it. Without it, an order and the product it sells, handled at once from two topics,
 * could each miss the other's uncommitted row: the order is held, the sync finds nothing held,
 * and the order waits for nothing. Taken before any hold or item is locked, in one sorted order,
 * so handlers never wait for each other in a cycle.
 */
export async function lockHoldSubjects(
  manager: EntityManager,
  tenantId: string,
  subjects: { variantIds?: readonly string[]; inventoryItemIds?: readonly string[] },
): Promise<void> {
  await lockHoldSubjectsOf(manager, [{ tenantId, ...subjects }]);
}

/** lockHoldSubjects for the subjects of several events (of any tenants) at once: one statement, one sorted order. */
export async function lockHoldSubjectsOf(
  manager: EntityManager,
  subjects: ReadonlyArray<{ tenantId: string; variantIds?: readonly string[]; inventoryItemIds?: readonly string[] }>,
): Promise<void> {
  const keys = subjects.flatMap(({ tenantId, variantIds = [], inventoryItemIds = [] }) => [
    ...variantIds.map((id) => `inventory:${tenantId}:variant:${id}`),
    ...inventoryItemIds.map((id) => `inventory:${tenantId}:inventory-item:${id}`),
  ]);
  if (keys.length === 0) return;
  // unnest yields the keys in array order, so they are locked in that order.
  await manager.query('SELECT pg_advisory_xact_lock(hashtext(key)) FROM unnest($1::text[]) AS key', [[...new Set(keys)].sort()]);
}
