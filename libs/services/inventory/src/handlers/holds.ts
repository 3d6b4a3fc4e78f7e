import { EntityManager } from 'typeorm';
import { PlatformEvent } from '@consign/contracts';
import { escalateOverdueCancellations } from '../store/held-cancellations';
import { escalateOverdueInventoryLevels } from '../store/held-inventory-levels';
import { HeldOrder, lockOverdueOrders, takeHeldOrders } from '../store/held-orders';
import { lockItemsByVariant } from '../store/items';
import { replayHeld } from './replay-held';

/** What one round did with what waited past the grace period, and what that published. */
export interface EscalatedHolds {
  /** Orders placed without the variants they waited for. */
  orders: number;
  /** Cancellations listed for reconciliation, still waiting for their order. */
  cancellations: number;
  /** Level updates listed for reconciliation, still waiting for their product. */
  inventoryLevels: number;
  /** What the orders placed published: the caller adds it to the outbox in the same transaction. */
  published: PlatformEvent[];
}

/**
 * Deals with everything held since before `heldBefore`. A held order is replayed anyway: its lines
 * of unknown variants are kept as unknown_variant and recorded for reconciliation, so its other
 * lines are not kept from selling for good; being placed, it is never held again. Cancellations
 * waiting for their order and level updates waiting for their product are listed for
 * reconciliation, once each, and stay held: still applied (their records resolved) if what they
 * wait for comes. The app calls this periodically, inside a transaction.
 */
export async function escalateOverdueHolds(manager: EntityManager, heldBefore: Date): Promise<EscalatedHolds> {
  const orders = await lockOverdueOrders(manager, heldBefore);
  for (const [tenantId, ofTenant] of byTenant(orders)) {
    // Locked at once, in one sorted order, as order handlers lock theirs: replaying locks them again.
    await lockItemsByVariant(
      manager,
      tenantId,
      ofTenant.flatMap((held) => held.variantIds),
    );
  }
  // Orders first: placing one applies a cancellation held for it, which then is not escalated.
  const published = await replayHeld(manager, await takeHeldOrders(manager, orders), []);
  return {
    orders: orders.length,
    cancellations: await escalateOverdueCancellations(manager, heldBefore),
    inventoryLevels: await escalateOverdueInventoryLevels(manager, heldBefore),
    published,
  };
}

function byTenant(orders: readonly HeldOrder[]): Map<string, HeldOrder[]> {
  const grouped = new Map<string, HeldOrder[]>();
  for (const order of orders) grouped.set(order.tenantId, [...(grouped.get(order.tenantId) ?? []), order]);
  return grouped;
}
