// Generated from libs/contracts/schemas by `npx nx run contracts:generate`. Do not edit.

/** An order was created in a client store (Shopify orders/create). Shopify ids are strings: they are 64-bit and must stay exact. */
export interface ShopifyOrderCreated {
  readonly metadata: EventMetadata;
  readonly order: ShopifyOrder;
}

/** Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id. */
export interface EventMetadata {
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  /** When the source says it happened. */
  readonly occurredAt: number;
  readonly receivedAt: number;
  /** shopify, clerk, or the publishing service's name. */
  readonly source: string;
  /** The client store. */
  readonly tenantId: string;
  readonly shopifyWebhookId: null | string;
  readonly shopifyEventId: null | string;
  readonly svixMessageId: null | string;
  readonly correlationId: string;
  readonly causationId: null | string;
}

export interface ShopifyOrder {
  readonly id: string;
  readonly name: string;
  /** ISO 8601 with the shop's offset, as Shopify sent it. */
  readonly createdAt: string;
  readonly financialStatus: null | string;
  readonly customerId: null | string;
  readonly totalPrice: Money;
  readonly lineItems: Array<ShopifyLineItem>;
}

/** An amount in integer minor units (cents) of an ISO 4217 currency. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

export interface ShopifyLineItem {
  readonly id: string;
  readonly productId: null | string;
  readonly variantId: null | string;
  readonly sku: null | string;
  readonly title: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly totalDiscount: Money;
}

/** Self-contained Avro schemas, as registered in the schema registry. */
export const avroSchemas = {
  ShopifyOrderCreated: {"type":"record","name":"ShopifyOrderCreated","namespace":"com.consignstream.events.shopify","doc":"An order was created in a client store (Shopify orders/create). Shopify ids are strings: they are 64-bit and must stay exact.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"order","type":{"type":"record","name":"ShopifyOrder","fields":[{"name":"id","type":"string"},{"name":"name","type":"string"},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"financialStatus","type":["null","string"],"default":null},{"name":"customerId","type":["null","string"],"default":null},{"name":"totalPrice","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]}},{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyLineItem","fields":[{"name":"id","type":"string"},{"name":"productId","type":["null","string"],"default":null},{"name":"variantId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"title","type":"string"},{"name":"quantity","type":"int"},{"name":"unitPrice","type":"com.consignstream.events.Money"},{"name":"totalDiscount","type":"com.consignstream.events.Money"}]}}}]}}]},
} as const;

export type EventSchemaName = keyof typeof avroSchemas;
