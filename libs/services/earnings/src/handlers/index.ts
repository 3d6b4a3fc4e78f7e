import { EntityManager } from 'typeorm';
import { events, PlatformEvent } from '@consign/contracts';
import { EventHandlers, EventRunHandlers, EventServiceContext } from '@consign/event-service';
import { Tenant } from '@consign/tenants';
import { recordConsignorDeactivated, recordConsignorRegistered, recordConsignorUpdated } from './consignor-events';
import { recordOrderPayment, recordOrderUpdate, recordRefund, recordSale, reverseCancelledOrder } from './order-events';
import { recordProductOwnership } from './product-ownership';
import { recordSales } from './record-sales';

type ValueOf<K extends keyof EventHandlers> = Parameters<NonNullable<EventHandlers[K]>>[0];

/**
 * earnings-service's one dispatch table: the use case for each event it consumes, by catalogue
 * name. The app's handlers and the specs both apply events through it.
 */
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
} satisfies { [K in keyof EventHandlers]?: (manager: EntityManager, value: ValueOf<K>, tenant: Tenant) => Promise<PlatformEvent[]> };

type UseCaseName = keyof typeof useCases;

/** Every event earnings-service consumes, from shopify.orders.v1, shopify.products.v1 and consignors.v1. */
export type EarningsInputEvent = ValueOf<UseCaseName>;

// Each entry's value type follows its name; the table above is what the compiler checks.
type AnyUseCase = (manager: EntityManager, value: EarningsInputEvent, tenant: Tenant) => Promise<PlatformEvent[]>;
const useCaseByType = new Map<string, AnyUseCase>(
  Object.entries(useCases).map(([name, useCase]) => [events[name as UseCaseName].type, useCase as AnyUseCase]),
);

/** The app's handlers: each event applied exactly once, with its client's terms; runs of placed orders set-based. */
export function earningsEventHandlers(tenantOf: (tenantId: string) => Tenant): { handlers: EventHandlers; runHandlers: EventRunHandlers } {
  type AnyHandler = (
    value: EarningsInputEvent,
    event: Parameters<EventServiceContext['applyEvent']>[0],
    context: EventServiceContext,
  ) => Promise<unknown>;
  const handlers: Record<string, AnyHandler> = {};
  for (const [name, useCase] of Object.entries(useCases) as Array<[UseCaseName, AnyUseCase]>) {
    handlers[name] = (value, event, context) =>
      context.applyEvent(event, (manager) => useCase(manager, value, tenantOf(value.metadata.tenantId)));
  }
  return {
    handlers: handlers as EventHandlers,
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

/**
 * Applies one consumed event inside the caller's transaction and returns the events to publish.
 * Event types this service does not use are ignored (an empty list).
 */
export async function handleEarningsEvent(manager: EntityManager, event: EarningsInputEvent, tenant: Tenant): Promise<PlatformEvent[]> {
  const useCase = useCaseByType.get(event.metadata.eventType);
  return useCase === undefined ? [] : useCase(manager, event, tenant);
}
