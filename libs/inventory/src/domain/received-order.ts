import { ShopifyOrderCreated } from '@consign/contracts';

/** What inventory keeps of an order it has received, before any item is marked sold. */
export interface ReceivedOrder {
  eventId: string;
  tenantId: string;
  orderId: string;
  orderName: string;
  lineCount: number;
  totalMinor: number;
  currency: string;
  occurredAt: Date;
}

export function receivedOrderFrom(event: ShopifyOrderCreated): ReceivedOrder {
  return {
    eventId: event.metadata.eventId,
    tenantId: event.metadata.tenantId,
    orderId: event.order.id,
    orderName: event.order.name,
    lineCount: event.order.lineItems.length,
    totalMinor: event.order.totalPrice.amountMinor,
    currency: event.order.totalPrice.currency,
    occurredAt: new Date(event.metadata.occurredAt),
  };
}
