/** What the gateway knows of one Shopify delivery, from its headers, once it is verified. */
export interface ShopifyDelivery {
  tenantId: string;
  shopDomain: string;
  topic: string;
  webhookId: string;
  /** Same on every delivery of one event; absent on some older deliveries. */
  eventId: string | null;
  triggeredAt: string | null;
  receivedAt: number;
  requestId: string;
}
