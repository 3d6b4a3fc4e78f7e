import { EntityManager } from 'typeorm';

/** What a handler locks: the product, consignor or order whose facts it is about to read or change. */
export type LockScope = 'product' | 'consignor' | 'order';

/**
 * Locks until the transaction ends. Topics are consumed in parallel, so an order line may be held
 * at the moment its product or consignor is recorded, or released at the moment its order is paid
 * or changed: each side takes the lock before it reads what the other writes, so neither decides
 * on what the other has not committed yet. Handlers lock products, then consignors, then orders,
 * each in sorted order and before their first ledger write, so they wait for each other instead of
 * deadlocking.
 */
export async function lockForTransaction(manager: EntityManager, tenantId: string, scope: LockScope, ids: Iterable<string>): Promise<void> {
  await lockForTransactionOf(manager, scope, [{ tenantId, ids }]);
}

/** lockForTransaction for the subjects of several events (of any tenants) at once, sorted by tenant, then id. */
export async function lockForTransactionOf(
  manager: EntityManager,
  scope: LockScope,
  subjects: ReadonlyArray<{ tenantId: string; ids: Iterable<string> }>,
): Promise<void> {
  const pairs = new Map<string, [string, string]>();
  for (const { tenantId, ids } of subjects) for (const id of ids) pairs.set(JSON.stringify([tenantId, id]), [tenantId, id]);
  const sorted = [...pairs.values()].sort(([tenantA, idA], [tenantB, idB]) =>
    tenantA < tenantB ? -1 : tenantA > tenantB ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0,
  );
  const keys = sorted.map(([tenantId, id]) => JSON.stringify(['earnings', scope, tenantId, id]));
  if (keys.length === 0) return;
  // One round trip for all of them, taken in the array's (sorted) order.
  await manager.query(
    'SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS lock(key, position) ORDER BY position',
    [keys],
  );
}
