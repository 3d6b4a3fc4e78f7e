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
  const keys = [...new Set(ids)].sort().map((id) => JSON.stringify(['earnings', scope, tenantId, id]));
  if (keys.length === 0) return;
  // One round trip for all of them, taken in the array's (sorted) order.
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS lock(key, position) ORDER BY position', [keys]);
}
