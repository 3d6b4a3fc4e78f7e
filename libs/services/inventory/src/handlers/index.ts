import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCreated, ShopifyProductUpserted } from '@consign/contracts';
import { dispatchTable, EventHandlers, EventRunHandlers, InputEventOf } from '@consign/event-service';
import { Tenant } from '@consign/tenants';
import { applyInventoryLevel } from './apply-inventory-level';
import { applyOrderUpdate, applyRefund, cancelOrder } from './order-changes';
import { recordOrderPlaced } from './record-order-placed';
import { recordOrdersPlaced } from './record-orders-placed';
import { syncProduct } from './sync-product';

type TenantOf = (tenantId: string) => Tenant;

/** inventory-service's one dispatch table. Only products need their client's settings: the others never look the client up. */
const useCases = {
  shopifyProductUpserted: (manager: EntityManager, value: ShopifyProductUpserted, tenantOf: TenantOf) =>
    syncProduct(manager, value, tenantOf(value.metadata.tenantId)),
  shopifyOrderCreated: (manager: EntityManager, value: ShopifyOrderCreated) => recordOrderPlaced(manager, value),
  shopifyOrderCancelled: cancelOrder,
  shopifyOrderUpdated: applyOrderUpdate,
  shopifyRefundCreated: applyRefund,
  shopifyInventoryLevelUpdated: applyInventoryLevel,
};
const table = dispatchTable<TenantOf, typeof useCases>(useCases);

/** Every event inventory-service consumes, from shopify.products.v1, shopify.orders.v1 and shopify.inventory.v1. */
type InventoryInputEvent = InputEventOf<typeof useCases>;

/** The app's handlers, from the table; runs of placed orders set-based. */
export function inventoryEventHandlers(tenantOf: TenantOf): { handlers: EventHandlers; runHandlers: EventRunHandlers } {
  return {
    handlers: table.handlers(() => tenantOf),
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

/** Applies one consumed event through the table inside the caller's transaction; returns the events to publish. */
export function handleInventoryEvent(manager: EntityManager, event: InventoryInputEvent, tenantOf: TenantOf): Promise<PlatformEvent[]> {
  return table.apply(manager, event, tenantOf);
}
