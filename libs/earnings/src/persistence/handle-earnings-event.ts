import { EntityManager } from 'typeorm';
import {
  ConsignorDeactivated,
  ConsignorRegistered,
  ConsignorUpdated,
  events,
  PlatformEvent,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderPaid,
  ShopifyOrderUpdated,
  ShopifyProductUpserted,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { recordConsignorDeactivated, recordConsignorRegistered, recordConsignorUpdated } from './consignor-events';
import { recordOrderPayment, recordOrderUpdate, recordRefund, recordSale, reverseCancelledOrder } from './order-events';
import { recordProductOwnership } from './product-ownership';

/** Every event earnings-service consumes, from shopify.orders.v1, shopify.products.v1 and consignors.v1. */
export type EarningsInputEvent =
  | ShopifyOrderCreated
  | ShopifyOrderUpdated
  | ShopifyOrderPaid
  | ShopifyOrderCancelled
  | ShopifyRefundCreated
  | ShopifyProductUpserted
  | ConsignorRegistered
  | ConsignorUpdated
  | ConsignorDeactivated;

type Handler = (manager: EntityManager, event: EarningsInputEvent, tenant: Tenant) => Promise<PlatformEvent[]>;

// The decoded value's type follows its metadata.eventType; each entry narrows to the one it handles.
const handlers = new Map<string, Handler>([
  [events.shopifyOrderCreated.type, (manager, event, tenant) => recordSale(manager, event as ShopifyOrderCreated, tenant)],
  [events.shopifyOrderPaid.type, (manager, event, tenant) => recordOrderPayment(manager, event as ShopifyOrderPaid, tenant)],
  [events.shopifyOrderUpdated.type, (manager, event, tenant) => recordOrderUpdate(manager, event as ShopifyOrderUpdated, tenant)],
  [events.shopifyOrderCancelled.type, (manager, event, tenant) => reverseCancelledOrder(manager, event as ShopifyOrderCancelled, tenant)],
  [events.shopifyRefundCreated.type, (manager, event, tenant) => recordRefund(manager, event as ShopifyRefundCreated, tenant)],
  [events.shopifyProductUpserted.type, (manager, event, tenant) => recordProductOwnership(manager, event as ShopifyProductUpserted, tenant)],
  [events.consignorRegistered.type, (manager, event, tenant) => recordConsignorRegistered(manager, event as ConsignorRegistered, tenant)],
  [events.consignorUpdated.type, (manager, event, tenant) => recordConsignorUpdated(manager, event as ConsignorUpdated, tenant)],
  [events.consignorDeactivated.type, (manager, event, tenant) => recordConsignorDeactivated(manager, event as ConsignorDeactivated, tenant)],
]);

/**
 * Applies one consumed event inside the caller's transaction and returns the events to publish.
 * Event types this service does not use are ignored (an empty list).
 */
export async function handleEarningsEvent(manager: EntityManager, event: EarningsInputEvent, tenant: Tenant): Promise<PlatformEvent[]> {
  const handler = handlers.get(event.metadata.eventType);
  return handler === undefined ? [] : handler(manager, event, tenant);
}
