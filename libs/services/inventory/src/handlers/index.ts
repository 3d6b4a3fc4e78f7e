import { EntityManager } from 'typeorm';
import { events, PlatformEvent, ShopifyOrderCreated, ShopifyProductUpserted } from '@consign/contracts';
import { EventHandlers, EventRunHandlers, EventServiceContext } from '@consign/event-service';
import { Tenant } from '@consign/tenants';
import { applyInventoryLevel } from './apply-inventory-level';
import { applyOrderUpdate, applyRefund, cancelOrder } from './order-changes';
import { recordOrderPlaced } from './record-order-placed';
import { recordOrdersPlaced } from './record-orders-placed';
import { syncProduct } from './sync-product';

type ValueOf<K extends keyof EventHandlers> = Parameters<NonNullable<EventHandlers[K]>>[0];

/**
 * inventory-service's one dispatch table: the use case for each event it consumes, by catalogue
 * name. The app's handlers and the specs both apply events through it.
 */
type TenantOf = (tenantId: string) => Tenant;

// Only products need their client's settings: the other use cases never look the client up.
const useCases = {
  shopifyProductUpserted: (manager: EntityManager, value: ShopifyProductUpserted, tenantOf: TenantOf) =>
    syncProduct(manager, value, tenantOf(value.metadata.tenantId)),
  shopifyOrderCreated: (manager: EntityManager, value: ShopifyOrderCreated) => recordOrderPlaced(manager, value),
  shopifyOrderCancelled: cancelOrder,
  shopifyOrderUpdated: applyOrderUpdate,
  shopifyRefundCreated: applyRefund,
  shopifyInventoryLevelUpdated: applyInventoryLevel,
} satisfies { [K in keyof EventHandlers]?: (manager: EntityManager, value: ValueOf<K>, tenantOf: TenantOf) => Promise<PlatformEvent[]> };

type UseCaseName = keyof typeof useCases;

/** Every event inventory-service consumes, from shopify.products.v1, shopify.orders.v1 and shopify.inventory.v1. */
export type InventoryInputEvent = ValueOf<UseCaseName>;

// Each entry's value type follows its name; the table above is what the compiler checks.
type AnyUseCase = (manager: EntityManager, value: InventoryInputEvent, tenantOf: TenantOf) => Promise<PlatformEvent[]>;
const useCaseByType = new Map<string, AnyUseCase>(
  Object.entries(useCases).map(([name, useCase]) => [events[name as UseCaseName].type, useCase as AnyUseCase]),
);

/** The app's handlers: each event applied exactly once; runs of placed orders set-based. */
export function inventoryEventHandlers(tenantOf: TenantOf): { handlers: EventHandlers; runHandlers: EventRunHandlers } {
  type AnyHandler = (
    value: InventoryInputEvent,
    event: Parameters<EventServiceContext['applyEvent']>[0],
    context: EventServiceContext,
  ) => Promise<unknown>;
  const handlers: Record<string, AnyHandler> = {};
  for (const [name, useCase] of Object.entries(useCases) as Array<[UseCaseName, AnyUseCase]>) {
    handlers[name] = (value, event, context) => context.applyEvent(event, (manager) => useCase(manager, value, tenantOf));
  }
  return {
    handlers: handlers as EventHandlers,
    runHandlers: {
      shopifyOrderCreated: (run, context) =>
        context.applyEvents(run, (manager, fresh) =>
          recordOrdersPlaced(
            manager,
            fresh.map((event) => event.value),
          ),
        ),
    },
  };
}

/**
 * Applies one consumed event inside the caller's transaction and returns the events to publish.
 * Event types this service does not use are ignored (an empty list).
 */
export async function handleInventoryEvent(
  manager: EntityManager,
  event: InventoryInputEvent,
  tenantOf: TenantOf,
): Promise<PlatformEvent[]> {
  const useCase = useCaseByType.get(event.metadata.eventType);
  return useCase === undefined ? [] : useCase(manager, event, tenantOf);
}
