import { EntityManager } from 'typeorm';
import { PlatformEvent } from '@consign/contracts';
import { dispatchTable, EventHandlers, EventRunHandlers, InputEventOf } from '@consign/event-service';
import { Tenant } from '@consign/tenants';
import { recordConsignorDeactivated, recordConsignorRegistered, recordConsignorUpdated } from './consignor-events';
import { recordOrderPayment, recordOrderUpdate, recordRefund, recordSale, reverseCancelledOrder } from './order-events';
import { recordProductOwnership } from './product-ownership';
import { recordSales } from './record-sales';

/** earnings-service's one dispatch table: each use case needs its client's terms (rate, tag prefix, currency). */
const useCases = {
  shopifyOrderCreated: recordSale,
  shopifyOrderPaid: recordOrderPayment,
  shopifyOrderUpdated: recordOrderUpdate,
  shopifyOrderCancelled: reverseCancelledOrder,
  shopifyRefundCreated: recordRefund,
  shopifyProductUpserted: recordProductOwnership,
  consignorRegistered: recordConsignorRegistered,
  consignorUpdated: recordConsignorUpdated,
  consignorDeactivated: recordConsignorDeactivated,
};
const table = dispatchTable<Tenant, typeof useCases>(useCases);

/** Every event earnings-service consumes, from shopify.orders.v1, shopify.products.v1 and consignors.v1. */
export type EarningsInputEvent = InputEventOf<typeof useCases>;

/** The app's handlers, from the table; runs of placed orders set-based. */
export function earningsEventHandlers(tenantOf: (tenantId: string) => Tenant): { handlers: EventHandlers; runHandlers: EventRunHandlers } {
  return {
    handlers: table.handlers((value) => tenantOf(value.metadata.tenantId)),
    runHandlers: {
      shopifyOrderCreated: (run, context) =>
        context.applyEvents(run, (manager, fresh) =>
          recordSales(
            manager,
            fresh.map((event) => event.value),
            tenantOf,
          ),
        ),
    },
  };
}

/** Applies one consumed event through the table inside the caller's transaction; returns the events to publish. */
export function handleEarningsEvent(manager: EntityManager, event: EarningsInputEvent, tenant: Tenant): Promise<PlatformEvent[]> {
  return table.apply(manager, event, tenant);
}
