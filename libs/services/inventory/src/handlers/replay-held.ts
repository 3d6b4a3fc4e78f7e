import { EntityManager } from 'typeorm';
import {
  events,
  PlatformEvent,
  ShopifyInventoryLevelUpdated,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderUpdated,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { levelVersionOf } from '../domain/applied-version';
import { HeldEventTime, inSourceTimeOrder } from '../domain/held-events';
import { setLevel } from './apply-inventory-level';
import { OrderEvent, TakenOrder } from '../store/held-orders';
import { lockItemsByInventoryItem } from '../store/items';
import { applyOrderUpdate, applyRefund, cancelOrder } from './order-changes';
import { recordOrderPlaced } from './record-order-placed';

/** Each held order event through the handler its type has, the order placed whatever variants are still unknown. */
const handlerOf: Record<string, (manager: EntityManager, event: OrderEvent) => Promise<PlatformEvent[]>> = {
  [events.shopifyOrderCreated.type]: (manager, event) => recordOrderPlaced(manager, event as ShopifyOrderCreated, 'record_line'),
  [events.shopifyOrderCancelled.type]: (manager, event) => cancelOrder(manager, event as ShopifyOrderCancelled),
  [events.shopifyOrderUpdated.type]: (manager, event) => applyOrderUpdate(manager, event as ShopifyOrderUpdated),
  [events.shopifyRefundCreated.type]: (manager, event) => applyRefund(manager, event as ShopifyRefundCreated),
};

/**
 * Applies what was held, inside the transaction that released it: each order's events as they
 * arrived, through the same handlers as when they arrive, and level updates through the level
 * rule, merged by source time (inSourceTimeOrder). The rows, movements and published events are
 * those the events would have given had what they waited for come first. The caller has locked
 * the items they name.
 */
export async function replayHeld(
  manager: EntityManager,
  orders: readonly TakenOrder[],
  levels: readonly ShopifyInventoryLevelUpdated[],
): Promise<PlatformEvent[]> {
  const sequences: Array<Array<HeldEventTime & { apply: () => Promise<PlatformEvent[]> }>> = [
    ...orders.map((order) =>
      order.events.map(({ eventType, occurredAt, event }) => ({
        kind: 'order_event' as const,
        at: occurredAt,
        id: event.metadata.eventId,
        apply: () => {
          const handler = handlerOf[eventType];
          // Only these handlers hold events; anything else in the table is a defect, not data.
          if (handler === undefined)
            throw new Error(`held order ${order.orderId} has an event of type ${eventType}, which inventory does not handle`);
          return handler(manager, event);
        },
      })),
    ),
    ...levels.map((level) => [
      {
        kind: 'inventory_level' as const,
        at: levelVersionOf(level).at,
        id: level.metadata.eventId,
        apply: async (): Promise<PlatformEvent[]> => {
          await setLevel(manager, await lockItemsByInventoryItem(manager, level.metadata.tenantId, level.inventoryItemId), level);
          return [];
        },
      },
    ]),
  ];
  const published: PlatformEvent[] = [];
  for (const { apply } of inSourceTimeOrder(sequences)) published.push(...(await apply()));
  return published;
}
