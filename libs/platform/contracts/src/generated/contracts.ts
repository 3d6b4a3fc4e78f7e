// Generated from libs/platform/contracts/schemas by `npx nx run contracts:generate`. Do not edit.

/** A user signed up or was created (Clerk user.created, delivered through Svix). */
export interface ClerkUserCreated {
  readonly metadata: EventMetadata;
  readonly user: ClerkUser;
  /** When Clerk says it emitted the event (the envelope's timestamp), kept beside metadata.occurredAt, which is the user's own time; null when the envelope has none (and in events before version 2). */
  readonly clerkEventAt: null | number;
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

/** A Clerk user as the webhook carried it, reduced to what the platform uses. Private metadata is left out. */
export interface ClerkUser {
  /** Clerk user id (user_...). The record key of clerk.users.v1. */
  readonly id: string;
  /** The address of primary_email_address_id; null when the user has none or Clerk left it out of email_addresses. */
  readonly primaryEmail: null | string;
  readonly firstName: null | string;
  readonly lastName: null | string;
  readonly username: null | string;
  /** Clerk external_id: an id the platform set on the user. */
  readonly externalId: null | string;
  readonly imageUrl: null | string;
  /** Clerk public_metadata as JSON text ({} when empty): where the client store and consignor settings are recorded. Kept whole because its shape is ours to evolve, not the schema's. */
  readonly publicMetadataJson: string;
  /** Clerk unsafe_metadata as JSON text ({} when empty): set by the user in the sign-up form, so never trusted for authorisation. */
  readonly unsafeMetadataJson: string;
  /** When the user was created in Clerk (epoch milliseconds). */
  readonly createdAt: number;
  /** When Clerk last changed the user (epoch milliseconds): orders the updates of one user. */
  readonly updatedAt: number;
}

/** A user was deleted (Clerk user.deleted, delivered through Svix). */
export interface ClerkUserDeleted {
  readonly metadata: EventMetadata;
  /** Clerk user id (user_...). The record key of clerk.users.v1. */
  readonly userId: string;
  /** Clerk's deleted flag: true once the user is gone. */
  readonly deleted: boolean;
}

/** A user's profile or metadata changed (Clerk user.updated, delivered through Svix). Carries the user as it is now. */
export interface ClerkUserUpdated {
  readonly metadata: EventMetadata;
  readonly user: ClerkUser;
  /** When Clerk says it emitted the event (the envelope's timestamp), kept beside metadata.occurredAt, which is the user's own time; null when the envelope has none (and in events before version 2). */
  readonly clerkEventAt: null | number;
}

/** A consignor was deactivated: no new items are taken and no new earnings are recorded; what is owed is still paid. */
export interface ConsignorDeactivated {
  readonly metadata: EventMetadata;
  /** The record key of consignors.v1. */
  readonly consignorId: string;
  /** Free text from the staff member who deactivated the consignor. */
  readonly reason: null | string;
}

/** A consignor was registered with a client store. */
export interface ConsignorRegistered {
  readonly metadata: EventMetadata;
  readonly consignor: Consignor;
}

/** A consignor of one client store: someone whose items the store sells for a commission. */
export interface Consignor {
  /** Consignor id (UUID). The record key of consignors.v1. */
  readonly id: string;
  /** The Clerk user who signs in as this consignor; null for consignors the store manages alone. */
  readonly clerkUserId: null | string;
  readonly displayName: string;
  readonly email: null | string;
  readonly firstName: null | string;
  readonly lastName: null | string;
  /** The store's commission on this consignor's sales in basis points: 4000 means the store keeps 40%. */
  readonly commissionRateBasisPoints: number;
  /** The Shopify product tag that marks this consignor's items; null until one is assigned. */
  readonly shopifyTag: null | string;
}

/** A consignor's details changed. Carries the consignor as it is now and which fields changed. */
export interface ConsignorUpdated {
  readonly metadata: EventMetadata;
  /** The consignor after the change. */
  readonly consignor: Consignor;
  /** Names of the Consignor fields this update changed, e.g. email, commissionRateBasisPoints. */
  readonly changedFields: Array<string>;
}

/** A consignor earned (or will earn, once paid) a share of a sale. One ledger entry per order line. */
export interface EarningsRecorded {
  readonly metadata: EventMetadata;
  /** Ledger entry id (UUID). */
  readonly ledgerEntryId: string;
  readonly consignorId: string;
  /** Shopify order id: the record key, so the entries of one order stay in order. */
  readonly orderId: string;
  /** Shopify line item id. */
  readonly lineItemId: string;
  /** The order line's title, for people reading the entry (emails, reports); null in entries written before version 2. */
  readonly itemTitle: null | string;
  /** Units the entry covers. */
  readonly quantity: number;
  /** What the buyer paid for those units, after discounts. */
  readonly gross: Money;
  /** The store's commission in basis points (4000 = 40%), as applied. */
  readonly commissionRateBasisPoints: number;
  /** The consignor's part of gross. */
  readonly consignorShare: Money;
  /** The store's part of gross: gross minus consignorShare. */
  readonly storeShare: Money;
  readonly status: EarningsStatus;
}

/** An amount in integer minor units (cents) of an ISO 4217 currency. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

/** pending while the order is not paid, earned once it is. */
export type EarningsStatus = 'pending' | 'earned';

/** Recorded earnings were taken back, in whole or in part. Amounts are positive: what is reversed. */
export interface EarningsReversed {
  readonly metadata: EventMetadata;
  /** This reversal's own ledger entry id (UUID). */
  readonly ledgerEntryId: string;
  /** The EarningsRecorded entry this reverses. */
  readonly reversedLedgerEntryId: string;
  readonly consignorId: string;
  /** Shopify order id: the record key, so the entries of one order stay in order. */
  readonly orderId: string;
  /** Shopify line item id. */
  readonly lineItemId: string;
  /** The order line's title, for people reading the entry (emails, reports); null in entries written before version 2. */
  readonly itemTitle: null | string;
  /** Units the entry covers. */
  readonly quantity: number;
  /** What the buyer paid for those units, after discounts. */
  readonly gross: Money;
  /** The store's commission in basis points (4000 = 40%), as applied. */
  readonly commissionRateBasisPoints: number;
  /** The consignor's part of gross. */
  readonly consignorShare: Money;
  /** The store's part of gross: gross minus consignorShare. */
  readonly storeShare: Money;
  /** Status of the reversed entry when it was reversed. */
  readonly status: EarningsStatus;
  /** Why the earnings were reversed. */
  readonly reason: EarningsReversalReason;
  /** Free text, e.g. who made a correction and why. */
  readonly note: null | string;
}

/** other is what a reader sees for a reason added after its schema version. */
export type EarningsReversalReason = 'order_cancelled' | 'refunded' | 'line_removed' | 'correction' | 'other';

/** Units of an item sold on an order line were released: they are no longer sold. */
export interface ItemReleased {
  readonly metadata: EventMetadata;
  /** Shopify order id: the record key, so the sale and release of one order stay in order. */
  readonly orderId: string;
  /** Shopify line item id. */
  readonly lineItemId: string;
  readonly productId: null | string;
  readonly variantId: null | string;
  readonly inventoryItemId: null | string;
  readonly sku: null | string;
  /** The consignor who owns the item; null when it is the store's own. */
  readonly consignorId: null | string;
  /** Units this event covers (positive). */
  readonly quantity: number;
  /** Why the units were released. */
  readonly reason: ItemReleaseReason;
  /** Whether the units went back to stock (false for a refund without restock). */
  readonly restocked: boolean;
}

/** other is what a reader sees for a reason added after its schema version. */
export type ItemReleaseReason = 'order_cancelled' | 'refunded' | 'line_removed' | 'other';

/** Units of an item were sold on an order line. */
export interface ItemSold {
  readonly metadata: EventMetadata;
  /** Shopify order id: the record key, so the sale and release of one order stay in order. */
  readonly orderId: string;
  /** Shopify line item id. */
  readonly lineItemId: string;
  readonly productId: null | string;
  readonly variantId: null | string;
  readonly inventoryItemId: null | string;
  readonly sku: null | string;
  /** The consignor who owns the item; null when it is the store's own. */
  readonly consignorId: null | string;
  /** Units this event covers (positive). */
  readonly quantity: number;
  /** order_placed for a new order, order_edited for units an order edit added. */
  readonly reason: ItemSoldReason;
}

/** other is what a reader sees for a reason added after its schema version. */
export type ItemSoldReason = 'order_placed' | 'order_edited' | 'other';

/** An attempt to send a notification failed. */
export interface NotificationFailed {
  readonly metadata: EventMetadata;
  /** Notification id (UUID): the same across attempts. */
  readonly notificationId: string;
  /** The recipient. The record key of notifications.v1. */
  readonly consignorId: string;
  /** Template key, e.g. item-sold or earnings-paid. */
  readonly template: string;
  readonly channel: NotificationChannel;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** What the provider or renderer said. */
  readonly error: string;
  /** The provider's error code, when it gives one. */
  readonly errorCode: null | string;
  /** false when this was the last attempt. */
  readonly willRetry: boolean;
}

/** How a notification reaches its recipient. other is what a reader sees for a channel added after its schema version. */
export type NotificationChannel = 'email' | 'sms' | 'other';

/** A notification was handed to its provider. */
export interface NotificationSent {
  readonly metadata: EventMetadata;
  /** Notification id (UUID): the same across attempts. */
  readonly notificationId: string;
  /** The recipient. The record key of notifications.v1. */
  readonly consignorId: string;
  /** Template key, e.g. item-sold or earnings-paid. */
  readonly template: string;
  readonly channel: NotificationChannel;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The provider's id for the message, when it gives one. */
  readonly providerMessageId: null | string;
}

/** One call to an app's admin API, made with an operator's key: who, what, with which parameters, and how it ended. The reconciler keeps these in the platform's one audit log. */
export interface OperatorActionRecorded {
  readonly metadata: EventMetadata;
  /** The app that served the call: gateway, inventory-service, ... */
  readonly app: string;
  /** api-key:<key name>, from the key presented; unauthenticated when none matched. */
  readonly actor: string;
  /** The route called: the method and its path pattern, such as POST /admin/consumer/stop. */
  readonly action: string;
  /** The call's path, query and JSON body, as a JSON object (the body cut at 4 KiB). */
  readonly parameters: string;
  readonly outcome: AdminCallOutcome;
  /** The HTTP status answered. */
  readonly status: number;
  /** The problem code of a call that did not succeed. */
  readonly error: null | string;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** refused: the key was missing, unknown or lacked the scope. other is what a reader sees for an outcome added after its schema version. */
export type AdminCallOutcome = 'succeeded' | 'failed' | 'refused' | 'other';

/** A verified webhook delivery exactly as received, for replay. Tenant, received-at and the sender's ids are in metadata. */
export interface RawWebhookArchived {
  readonly metadata: EventMetadata;
  /** Who sent the webhook. */
  readonly source: WebhookSource;
  /** X-Shopify-Webhook-Id or svix-id. The record key of webhooks.raw.v1. */
  readonly deliveryId: string;
  /** X-Shopify-Topic (orders/create) or the Clerk event type (user.created). */
  readonly topic: string;
  /** Request headers without secrets (no signatures, authorization or cookies), names lower-cased. */
  readonly headers: Record<string, string>;
  /** The request body byte for byte, sealed under the data key bodySealedFor names: replay opens and maps exactly these bytes. Empty when the subject was erased before the delivery arrived. */
  readonly body: Buffer;
  /** The personal-data subject (clerk-user:<user id>, shopify-store:<tenant>) whose data key, held in the gateway's database, sealed body; erasing that key makes the body unreadable. null: body is plain (archived before version 2). */
  readonly bodySealedFor: null | string;
}

/** other is what a reader sees for a sender added after its schema version. */
export type WebhookSource = 'shopify' | 'clerk' | 'other';

/** The available count of one inventory item at one location changed (Shopify inventory_levels/update). Keyed by inventory item, so the updates of one item stay in order. */
export interface ShopifyInventoryLevelUpdated {
  readonly metadata: EventMetadata;
  /** Shopify inventory item id, exact (64-bit). The record key. */
  readonly inventoryItemId: string;
  /** Shopify location id. */
  readonly locationId: string;
  /** Units available at the location; null when Shopify does not track the item there. */
  readonly available: null | number;
  /** When the level changed, ISO 8601 with the shop's offset: orders the updates of one item. */
  readonly updatedAt: string;
}

/** An order was cancelled (Shopify orders/cancelled). Every unit of every line is voided, whether or not refund lines come with it (orderLineTarget in libs/contracts); a refund line's restockType says whether its units went back to stock, and units voided without one are left to the inventory-level webhooks. */
export interface ShopifyOrderCancelled {
  readonly metadata: EventMetadata;
  readonly order: ShopifyOrder;
  /** When the order was cancelled, ISO 8601 with the shop's offset. */
  readonly cancelledAt: string;
  /** Shopify cancel_reason: customer, declined, fraud, inventory, staff or other. */
  readonly cancelReason: null | string;
  /** Each line's units after the cancellation (Shopify current_quantity), by line item id. */
  readonly currentQuantities: Record<string, number>;
  /** Every refund on the order so far. */
  readonly refunds: Array<ShopifyRefund>;
}

/** An order as Shopify sent it, in the order's currency. Shared by every order event. */
export interface ShopifyOrder {
  /** Shopify order id, exact (64-bit). The record key of shopify.orders.v1. */
  readonly id: string;
  /** The order's name as staff and buyers see it, e.g. #1001. */
  readonly name: string;
  /** ISO 8601 with the shop's offset, as Shopify sent it. */
  readonly createdAt: string;
  /** Shopify financial_status: pending, authorized, partially_paid, paid, partially_refunded, refunded or voided. */
  readonly financialStatus: null | string;
  /** Shopify customer id; null for orders without a customer. */
  readonly customerId: null | string;
  /** The order total when it was placed (total_price). */
  readonly totalPrice: Money;
  readonly lineItems: Array<ShopifyLineItem>;
}

/** One line of an order. */
export interface ShopifyLineItem {
  /** Shopify line item id: stable for the life of the order; refunds and edits refer to it. */
  readonly id: string;
  /** Null for custom items and deleted products. */
  readonly productId: null | string;
  readonly variantId: null | string;
  readonly sku: null | string;
  readonly title: string;
  /** Units ordered; later edits, refunds and cancellations do not change it (see currentQuantities). */
  readonly quantity: number;
  /** Price of one unit before discounts. */
  readonly unitPrice: Money;
  /** Discount on the whole line. */
  readonly totalDiscount: Money;
}

/** A refund on an order. Its line items say which lines lost how many units, and whether those units went back to stock. */
export interface ShopifyRefund {
  /** Shopify refund id. */
  readonly id: string;
  /** ISO 8601 with the shop's offset, as Shopify sent it. */
  readonly createdAt: string;
  readonly note: null | string;
  /** Lines and units this refund covers; empty for a refund of shipping or an amount only. */
  readonly refundLineItems: Array<ShopifyRefundLineItem>;
}

export interface ShopifyRefundLineItem {
  /** Shopify refund line item id. */
  readonly id: string;
  /** The order line this refund touches (ShopifyLineItem.id). */
  readonly lineItemId: string;
  /** Units refunded from that line. */
  readonly quantity: number;
  /** Shopify restock_type: no_restock, cancel, return or legacy_restock. Anything but no_restock put the units back in stock. */
  readonly restockType: null | string;
  /** Amount refunded for those units, before tax. */
  readonly subtotal: Money;
}

/** An order was created in a client store (Shopify orders/create). Shopify ids are strings: they are 64-bit and must stay exact. */
export interface ShopifyOrderCreated {
  readonly metadata: EventMetadata;
  readonly order: ShopifyOrder;
}

/** An order became paid (Shopify orders/paid): its payment status changed to paid. Earnings on its lines become earned. */
export interface ShopifyOrderPaid {
  readonly metadata: EventMetadata;
  readonly order: ShopifyOrder;
  /** When Shopify recorded the payment (the order's updated_at on orders/paid), ISO 8601 with the shop's offset. */
  readonly paidAt: string;
  /** What the buyer still owes (total_outstanding); zero once fully paid. */
  readonly totalOutstanding: Money;
}

/** An order changed (Shopify orders/updated): an edit, a refund, a fulfilment, a note. Carries the order as it is now; consumers compare it with what they hold. */
export interface ShopifyOrderUpdated {
  readonly metadata: EventMetadata;
  readonly order: ShopifyOrder;
  /** When Shopify last changed the order (updated_at), ISO 8601 with the shop's offset. */
  readonly updatedAt: string;
  /** Shopify fulfillment_status: null (unfulfilled), partial, fulfilled or restocked. */
  readonly fulfillmentStatus: null | string;
  /** Set when the order is cancelled; the cancellation also arrives as ShopifyOrderCancelled. */
  readonly cancelledAt: null | string;
  /** Each line's units after edits, refunds and removals (Shopify current_quantity), by line item id. Below the line's quantity means units left the order. */
  readonly currentQuantities: Record<string, number>;
  /** The total after edits, refunds and removals (current_total_price). */
  readonly currentTotalPrice: Money;
  /** Every refund on the order so far. */
  readonly refunds: Array<ShopifyRefund>;
}

/** A product was created or updated (Shopify products/create, products/update). Carries the product as it is now. */
export interface ShopifyProductUpserted {
  readonly metadata: EventMetadata;
  /** created for products/create, updated for products/update. */
  readonly change: ShopifyProductChange;
  readonly product: ShopifyProduct;
}

/** Which webhook this came from. */
export type ShopifyProductChange = 'created' | 'updated';

export interface ShopifyProduct {
  /** Shopify product id, exact (64-bit). The record key of shopify.products.v1. */
  readonly id: string;
  readonly title: string;
  readonly handle: null | string;
  /** Shopify status: active, draft, archived or unlisted. A string, not an enum: Shopify adds statuses. */
  readonly status: string;
  readonly vendor: null | string;
  readonly productType: null | string;
  /** Shopify's comma-separated tags, split and trimmed, empty ones dropped; consignor items are found by tag. */
  readonly tags: Array<string>;
  /** ISO 8601 with the shop's offset; Shopify sometimes sends null. */
  readonly createdAt: null | string;
  /** ISO 8601 with the shop's offset: orders the updates of one product. */
  readonly updatedAt: null | string;
  readonly variants: Array<ShopifyProductVariant>;
}

export interface ShopifyProductVariant {
  /** Shopify variant id, exact (64-bit). */
  readonly id: string;
  readonly title: string;
  readonly sku: null | string;
  /** Price of one unit. Shopify sends product prices without a currency: it is the shop's, the tenant's currency. */
  readonly price: Money;
  /** The struck-through price; null when none. */
  readonly compareAtPrice: null | Money;
  /** Links the variant to inventory_levels/update; null when Shopify leaves it out. */
  readonly inventoryItemId: null | string;
  /** Units in stock across locations when Shopify sent the product. */
  readonly inventoryQuantity: null | number;
}

/** A refund was made on an order (Shopify refunds/create). Its lines reverse exactly the units they name, for the amounts they carry (after line discounts, before tax); whether the units went back to stock follows each line's restockType (orderLineTarget in libs/contracts). A refund of shipping or an amount only has no lines and changes no projection. Keyed by the order, so it stays in order with the order's other events. */
export interface ShopifyRefundCreated {
  readonly metadata: EventMetadata;
  /** Shopify order id, exact (64-bit). The record key. */
  readonly orderId: string;
  readonly refund: ShopifyRefund;
}

/** One client store's settings as an operator last set them (npm run ops -- tenants). Kept on a compacted topic under the tenant id: the latest record per tenant is the tenant; a tombstone (no value) removes it. The webhook secrets are sealed: only holders of TENANT_SECRETS_KEYS can read them. */
export interface TenantConfigured {
  readonly metadata: EventMetadata;
  readonly tenantId: string;
  /** name.myshopify.com, lower case. */
  readonly shopDomain: string;
  readonly clerkInstanceIds: Array<string>;
  /** ISO 4217. */
  readonly currency: string;
  readonly defaultCommissionRateBasisPoints: number;
  readonly consignorTagPrefix: string;
  readonly secrets: SealedTenantSecrets;
}

/** The Shopify and Clerk webhook secrets (current first, then those still accepted during a rotation), as JSON sealed with AES-256-GCM under the TENANT_SECRETS_KEYS key keyId; the tenant id and key id are authenticated with them. */
export interface SealedTenantSecrets {
  readonly keyId: string;
  readonly sealed: Buffer;
}

/** Self-contained Avro schemas, as registered in the schema registry. */
export const avroSchemas = {
  ClerkUserCreated: {"type":"record","name":"ClerkUserCreated","namespace":"com.consignstream.events.clerk","doc":"A user signed up or was created (Clerk user.created, delivered through Svix).","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"user","type":{"type":"record","name":"ClerkUser","namespace":"com.consignstream.events.clerk","doc":"A Clerk user as the webhook carried it, reduced to what the platform uses. Private metadata is left out.","fields":[{"name":"id","type":"string","doc":"Clerk user id (user_...). The record key of clerk.users.v1."},{"name":"primaryEmail","type":["null","string"],"default":null,"doc":"The address of primary_email_address_id; null when the user has none or Clerk left it out of email_addresses."},{"name":"firstName","type":["null","string"],"default":null},{"name":"lastName","type":["null","string"],"default":null},{"name":"username","type":["null","string"],"default":null},{"name":"externalId","type":["null","string"],"default":null,"doc":"Clerk external_id: an id the platform set on the user."},{"name":"imageUrl","type":["null","string"],"default":null},{"name":"publicMetadataJson","type":"string","doc":"Clerk public_metadata as JSON text ({} when empty): where the client store and consignor settings are recorded. Kept whole because its shape is ours to evolve, not the schema's."},{"name":"unsafeMetadataJson","type":"string","doc":"Clerk unsafe_metadata as JSON text ({} when empty): set by the user in the sign-up form, so never trusted for authorisation."},{"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the user was created in Clerk (epoch milliseconds)."},{"name":"updatedAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When Clerk last changed the user (epoch milliseconds): orders the updates of one user."}]}},{"name":"clerkEventAt","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null,"doc":"When Clerk says it emitted the event (the envelope's timestamp), kept beside metadata.occurredAt, which is the user's own time; null when the envelope has none (and in events before version 2)."}]},
  ClerkUserDeleted: {"type":"record","name":"ClerkUserDeleted","namespace":"com.consignstream.events.clerk","doc":"A user was deleted (Clerk user.deleted, delivered through Svix).","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"userId","type":"string","doc":"Clerk user id (user_...). The record key of clerk.users.v1."},{"name":"deleted","type":"boolean","doc":"Clerk's deleted flag: true once the user is gone."}]},
  ClerkUserUpdated: {"type":"record","name":"ClerkUserUpdated","namespace":"com.consignstream.events.clerk","doc":"A user's profile or metadata changed (Clerk user.updated, delivered through Svix). Carries the user as it is now.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"user","type":{"type":"record","name":"ClerkUser","namespace":"com.consignstream.events.clerk","doc":"A Clerk user as the webhook carried it, reduced to what the platform uses. Private metadata is left out.","fields":[{"name":"id","type":"string","doc":"Clerk user id (user_...). The record key of clerk.users.v1."},{"name":"primaryEmail","type":["null","string"],"default":null,"doc":"The address of primary_email_address_id; null when the user has none or Clerk left it out of email_addresses."},{"name":"firstName","type":["null","string"],"default":null},{"name":"lastName","type":["null","string"],"default":null},{"name":"username","type":["null","string"],"default":null},{"name":"externalId","type":["null","string"],"default":null,"doc":"Clerk external_id: an id the platform set on the user."},{"name":"imageUrl","type":["null","string"],"default":null},{"name":"publicMetadataJson","type":"string","doc":"Clerk public_metadata as JSON text ({} when empty): where the client store and consignor settings are recorded. Kept whole because its shape is ours to evolve, not the schema's."},{"name":"unsafeMetadataJson","type":"string","doc":"Clerk unsafe_metadata as JSON text ({} when empty): set by the user in the sign-up form, so never trusted for authorisation."},{"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the user was created in Clerk (epoch milliseconds)."},{"name":"updatedAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When Clerk last changed the user (epoch milliseconds): orders the updates of one user."}]}},{"name":"clerkEventAt","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null,"doc":"When Clerk says it emitted the event (the envelope's timestamp), kept beside metadata.occurredAt, which is the user's own time; null when the envelope has none (and in events before version 2)."}]},
  ConsignorDeactivated: {"type":"record","name":"ConsignorDeactivated","namespace":"com.consignstream.events.consignor","doc":"A consignor was deactivated: no new items are taken and no new earnings are recorded; what is owed is still paid.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"consignorId","type":"string","doc":"The record key of consignors.v1."},{"name":"reason","type":["null","string"],"default":null,"doc":"Free text from the staff member who deactivated the consignor."}]},
  ConsignorRegistered: {"type":"record","name":"ConsignorRegistered","namespace":"com.consignstream.events.consignor","doc":"A consignor was registered with a client store.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"consignor","type":{"type":"record","name":"Consignor","namespace":"com.consignstream.events.consignor","doc":"A consignor of one client store: someone whose items the store sells for a commission.","fields":[{"name":"id","type":"string","doc":"Consignor id (UUID). The record key of consignors.v1."},{"name":"clerkUserId","type":["null","string"],"default":null,"doc":"The Clerk user who signs in as this consignor; null for consignors the store manages alone."},{"name":"displayName","type":"string"},{"name":"email","type":["null","string"],"default":null},{"name":"firstName","type":["null","string"],"default":null},{"name":"lastName","type":["null","string"],"default":null},{"name":"commissionRateBasisPoints","type":"int","doc":"The store's commission on this consignor's sales in basis points: 4000 means the store keeps 40%."},{"name":"shopifyTag","type":["null","string"],"default":null,"doc":"The Shopify product tag that marks this consignor's items; null until one is assigned."}]}}]},
  ConsignorUpdated: {"type":"record","name":"ConsignorUpdated","namespace":"com.consignstream.events.consignor","doc":"A consignor's details changed. Carries the consignor as it is now and which fields changed.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"consignor","type":{"type":"record","name":"Consignor","namespace":"com.consignstream.events.consignor","doc":"A consignor of one client store: someone whose items the store sells for a commission.","fields":[{"name":"id","type":"string","doc":"Consignor id (UUID). The record key of consignors.v1."},{"name":"clerkUserId","type":["null","string"],"default":null,"doc":"The Clerk user who signs in as this consignor; null for consignors the store manages alone."},{"name":"displayName","type":"string"},{"name":"email","type":["null","string"],"default":null},{"name":"firstName","type":["null","string"],"default":null},{"name":"lastName","type":["null","string"],"default":null},{"name":"commissionRateBasisPoints","type":"int","doc":"The store's commission on this consignor's sales in basis points: 4000 means the store keeps 40%."},{"name":"shopifyTag","type":["null","string"],"default":null,"doc":"The Shopify product tag that marks this consignor's items; null until one is assigned."}]},"doc":"The consignor after the change."},{"name":"changedFields","type":{"type":"array","items":"string"},"doc":"Names of the Consignor fields this update changed, e.g. email, commissionRateBasisPoints."}]},
  EarningsRecorded: {"type":"record","name":"EarningsRecorded","namespace":"com.consignstream.events.earnings","doc":"A consignor earned (or will earn, once paid) a share of a sale. One ledger entry per order line.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"ledgerEntryId","type":"string","doc":"Ledger entry id (UUID)."},{"name":"consignorId","type":"string"},{"name":"orderId","type":"string","doc":"Shopify order id: the record key, so the entries of one order stay in order."},{"name":"lineItemId","type":"string","doc":"Shopify line item id."},{"name":"itemTitle","type":["null","string"],"default":null,"doc":"The order line's title, for people reading the entry (emails, reports); null in entries written before version 2."},{"name":"quantity","type":"int","doc":"Units the entry covers."},{"name":"gross","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"What the buyer paid for those units, after discounts."},{"name":"commissionRateBasisPoints","type":"int","doc":"The store's commission in basis points (4000 = 40%), as applied."},{"name":"consignorShare","type":"com.consignstream.events.Money","doc":"The consignor's part of gross."},{"name":"storeShare","type":"com.consignstream.events.Money","doc":"The store's part of gross: gross minus consignorShare."},{"name":"status","type":{"type":"enum","name":"EarningsStatus","namespace":"com.consignstream.events.earnings","doc":"pending while the order is not paid, earned once it is.","symbols":["pending","earned"]}}]},
  EarningsReversed: {"type":"record","name":"EarningsReversed","namespace":"com.consignstream.events.earnings","doc":"Recorded earnings were taken back, in whole or in part. Amounts are positive: what is reversed.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"ledgerEntryId","type":"string","doc":"This reversal's own ledger entry id (UUID)."},{"name":"reversedLedgerEntryId","type":"string","doc":"The EarningsRecorded entry this reverses."},{"name":"consignorId","type":"string"},{"name":"orderId","type":"string","doc":"Shopify order id: the record key, so the entries of one order stay in order."},{"name":"lineItemId","type":"string","doc":"Shopify line item id."},{"name":"itemTitle","type":["null","string"],"default":null,"doc":"The order line's title, for people reading the entry (emails, reports); null in entries written before version 2."},{"name":"quantity","type":"int","doc":"Units the entry covers."},{"name":"gross","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"What the buyer paid for those units, after discounts."},{"name":"commissionRateBasisPoints","type":"int","doc":"The store's commission in basis points (4000 = 40%), as applied."},{"name":"consignorShare","type":"com.consignstream.events.Money","doc":"The consignor's part of gross."},{"name":"storeShare","type":"com.consignstream.events.Money","doc":"The store's part of gross: gross minus consignorShare."},{"name":"status","type":{"type":"enum","name":"EarningsStatus","namespace":"com.consignstream.events.earnings","doc":"pending while the order is not paid, earned once it is.","symbols":["pending","earned"]},"doc":"Status of the reversed entry when it was reversed."},{"name":"reason","type":{"type":"enum","name":"EarningsReversalReason","doc":"other is what a reader sees for a reason added after its schema version.","symbols":["order_cancelled","refunded","line_removed","correction","other"],"default":"other"},"doc":"Why the earnings were reversed."},{"name":"note","type":["null","string"],"default":null,"doc":"Free text, e.g. who made a correction and why."}]},
  ItemReleased: {"type":"record","name":"ItemReleased","namespace":"com.consignstream.events.inventory","doc":"Units of an item sold on an order line were released: they are no longer sold.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"orderId","type":"string","doc":"Shopify order id: the record key, so the sale and release of one order stay in order."},{"name":"lineItemId","type":"string","doc":"Shopify line item id."},{"name":"productId","type":["null","string"],"default":null},{"name":"variantId","type":["null","string"],"default":null},{"name":"inventoryItemId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"consignorId","type":["null","string"],"default":null,"doc":"The consignor who owns the item; null when it is the store's own."},{"name":"quantity","type":"int","doc":"Units this event covers (positive)."},{"name":"reason","type":{"type":"enum","name":"ItemReleaseReason","doc":"other is what a reader sees for a reason added after its schema version.","symbols":["order_cancelled","refunded","line_removed","other"],"default":"other"},"doc":"Why the units were released."},{"name":"restocked","type":"boolean","doc":"Whether the units went back to stock (false for a refund without restock)."}]},
  ItemSold: {"type":"record","name":"ItemSold","namespace":"com.consignstream.events.inventory","doc":"Units of an item were sold on an order line.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"orderId","type":"string","doc":"Shopify order id: the record key, so the sale and release of one order stay in order."},{"name":"lineItemId","type":"string","doc":"Shopify line item id."},{"name":"productId","type":["null","string"],"default":null},{"name":"variantId","type":["null","string"],"default":null},{"name":"inventoryItemId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"consignorId","type":["null","string"],"default":null,"doc":"The consignor who owns the item; null when it is the store's own."},{"name":"quantity","type":"int","doc":"Units this event covers (positive)."},{"name":"reason","type":{"type":"enum","name":"ItemSoldReason","doc":"other is what a reader sees for a reason added after its schema version.","symbols":["order_placed","order_edited","other"],"default":"other"},"doc":"order_placed for a new order, order_edited for units an order edit added."}]},
  NotificationFailed: {"type":"record","name":"NotificationFailed","namespace":"com.consignstream.events.notification","doc":"An attempt to send a notification failed.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"notificationId","type":"string","doc":"Notification id (UUID): the same across attempts."},{"name":"consignorId","type":"string","doc":"The recipient. The record key of notifications.v1."},{"name":"template","type":"string","doc":"Template key, e.g. item-sold or earnings-paid."},{"name":"channel","type":{"type":"enum","name":"NotificationChannel","namespace":"com.consignstream.events.notification","doc":"How a notification reaches its recipient. other is what a reader sees for a channel added after its schema version.","symbols":["email","sms","other"],"default":"other"}},{"name":"attempt","type":"int","doc":"1 for the first attempt."},{"name":"error","type":"string","doc":"What the provider or renderer said."},{"name":"errorCode","type":["null","string"],"default":null,"doc":"The provider's error code, when it gives one."},{"name":"willRetry","type":"boolean","doc":"false when this was the last attempt."}]},
  NotificationSent: {"type":"record","name":"NotificationSent","namespace":"com.consignstream.events.notification","doc":"A notification was handed to its provider.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"notificationId","type":"string","doc":"Notification id (UUID): the same across attempts."},{"name":"consignorId","type":"string","doc":"The recipient. The record key of notifications.v1."},{"name":"template","type":"string","doc":"Template key, e.g. item-sold or earnings-paid."},{"name":"channel","type":{"type":"enum","name":"NotificationChannel","namespace":"com.consignstream.events.notification","doc":"How a notification reaches its recipient. other is what a reader sees for a channel added after its schema version.","symbols":["email","sms","other"],"default":"other"}},{"name":"attempt","type":"int","doc":"1 for the first attempt."},{"name":"providerMessageId","type":["null","string"],"default":null,"doc":"The provider's id for the message, when it gives one."}]},
  OperatorActionRecorded: {"type":"record","name":"OperatorActionRecorded","namespace":"com.consignstream.events.operations","doc":"One call to an app's admin API, made with an operator's key: who, what, with which parameters, and how it ended. The reconciler keeps these in the platform's one audit log.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"app","type":"string","doc":"The app that served the call: gateway, inventory-service, ..."},{"name":"actor","type":"string","doc":"api-key:<key name>, from the key presented; unauthenticated when none matched."},{"name":"action","type":"string","doc":"The route called: the method and its path pattern, such as POST /admin/consumer/stop."},{"name":"parameters","type":"string","doc":"The call's path, query and JSON body, as a JSON object (the body cut at 4 KiB)."},{"name":"outcome","type":{"type":"enum","name":"AdminCallOutcome","doc":"refused: the key was missing, unknown or lacked the scope. other is what a reader sees for an outcome added after its schema version.","symbols":["succeeded","failed","refused","other"],"default":"other"}},{"name":"status","type":"int","doc":"The HTTP status answered."},{"name":"error","type":["null","string"],"default":null,"doc":"The problem code of a call that did not succeed."},{"name":"startedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"finishedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]},
  RawWebhookArchived: {"type":"record","name":"RawWebhookArchived","namespace":"com.consignstream.events.webhook","doc":"A verified webhook delivery exactly as received, for replay. Tenant, received-at and the sender's ids are in metadata.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"source","type":{"type":"enum","name":"WebhookSource","doc":"other is what a reader sees for a sender added after its schema version.","symbols":["shopify","clerk","other"],"default":"other"},"doc":"Who sent the webhook."},{"name":"deliveryId","type":"string","doc":"X-Shopify-Webhook-Id or svix-id. The record key of webhooks.raw.v1."},{"name":"topic","type":"string","doc":"X-Shopify-Topic (orders/create) or the Clerk event type (user.created)."},{"name":"headers","type":{"type":"map","values":"string"},"doc":"Request headers without secrets (no signatures, authorization or cookies), names lower-cased."},{"name":"body","type":"bytes","doc":"The request body byte for byte, sealed under the data key bodySealedFor names: replay opens and maps exactly these bytes. Empty when the subject was erased before the delivery arrived."},{"name":"bodySealedFor","type":["null","string"],"default":null,"doc":"The personal-data subject (clerk-user:<user id>, shopify-store:<tenant>) whose data key, held in the gateway's database, sealed body; erasing that key makes the body unreadable. null: body is plain (archived before version 2)."}]},
  ShopifyInventoryLevelUpdated: {"type":"record","name":"ShopifyInventoryLevelUpdated","namespace":"com.consignstream.events.shopify","doc":"The available count of one inventory item at one location changed (Shopify inventory_levels/update). Keyed by inventory item, so the updates of one item stay in order.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"inventoryItemId","type":"string","doc":"Shopify inventory item id, exact (64-bit). The record key."},{"name":"locationId","type":"string","doc":"Shopify location id."},{"name":"available","type":["null","int"],"default":null,"doc":"Units available at the location; null when Shopify does not track the item there."},{"name":"updatedAt","type":"string","doc":"When the level changed, ISO 8601 with the shop's offset: orders the updates of one item."}]},
  ShopifyOrderCancelled: {"type":"record","name":"ShopifyOrderCancelled","namespace":"com.consignstream.events.shopify","doc":"An order was cancelled (Shopify orders/cancelled). Every unit of every line is voided, whether or not refund lines come with it (orderLineTarget in libs/contracts); a refund line's restockType says whether its units went back to stock, and units voided without one are left to the inventory-level webhooks.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"order","type":{"type":"record","name":"ShopifyOrder","namespace":"com.consignstream.events.shopify","doc":"An order as Shopify sent it, in the order's currency. Shared by every order event.","fields":[{"name":"id","type":"string","doc":"Shopify order id, exact (64-bit). The record key of shopify.orders.v1."},{"name":"name","type":"string","doc":"The order's name as staff and buyers see it, e.g. #1001."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"financialStatus","type":["null","string"],"default":null,"doc":"Shopify financial_status: pending, authorized, partially_paid, paid, partially_refunded, refunded or voided."},{"name":"customerId","type":["null","string"],"default":null,"doc":"Shopify customer id; null for orders without a customer."},{"name":"totalPrice","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"The order total when it was placed (total_price)."},{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyLineItem","doc":"One line of an order.","fields":[{"name":"id","type":"string","doc":"Shopify line item id: stable for the life of the order; refunds and edits refer to it."},{"name":"productId","type":["null","string"],"default":null,"doc":"Null for custom items and deleted products."},{"name":"variantId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"title","type":"string"},{"name":"quantity","type":"int","doc":"Units ordered; later edits, refunds and cancellations do not change it (see currentQuantities)."},{"name":"unitPrice","type":"com.consignstream.events.Money","doc":"Price of one unit before discounts."},{"name":"totalDiscount","type":"com.consignstream.events.Money","doc":"Discount on the whole line."}]}}}]}},{"name":"cancelledAt","type":"string","doc":"When the order was cancelled, ISO 8601 with the shop's offset."},{"name":"cancelReason","type":["null","string"],"default":null,"doc":"Shopify cancel_reason: customer, declined, fraud, inventory, staff or other."},{"name":"currentQuantities","type":{"type":"map","values":"int"},"doc":"Each line's units after the cancellation (Shopify current_quantity), by line item id."},{"name":"refunds","type":{"type":"array","items":{"type":"record","name":"ShopifyRefund","namespace":"com.consignstream.events.shopify","doc":"A refund on an order. Its line items say which lines lost how many units, and whether those units went back to stock.","fields":[{"name":"id","type":"string","doc":"Shopify refund id."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"note","type":["null","string"],"default":null},{"name":"refundLineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyRefundLineItem","fields":[{"name":"id","type":"string","doc":"Shopify refund line item id."},{"name":"lineItemId","type":"string","doc":"The order line this refund touches (ShopifyLineItem.id)."},{"name":"quantity","type":"int","doc":"Units refunded from that line."},{"name":"restockType","type":["null","string"],"default":null,"doc":"Shopify restock_type: no_restock, cancel, return or legacy_restock. Anything but no_restock put the units back in stock."},{"name":"subtotal","type":"com.consignstream.events.Money","doc":"Amount refunded for those units, before tax."}]}},"doc":"Lines and units this refund covers; empty for a refund of shipping or an amount only."}]}},"doc":"Every refund on the order so far."}]},
  ShopifyOrderCreated: {"type":"record","name":"ShopifyOrderCreated","namespace":"com.consignstream.events.shopify","doc":"An order was created in a client store (Shopify orders/create). Shopify ids are strings: they are 64-bit and must stay exact.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"order","type":{"type":"record","name":"ShopifyOrder","namespace":"com.consignstream.events.shopify","doc":"An order as Shopify sent it, in the order's currency. Shared by every order event.","fields":[{"name":"id","type":"string","doc":"Shopify order id, exact (64-bit). The record key of shopify.orders.v1."},{"name":"name","type":"string","doc":"The order's name as staff and buyers see it, e.g. #1001."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"financialStatus","type":["null","string"],"default":null,"doc":"Shopify financial_status: pending, authorized, partially_paid, paid, partially_refunded, refunded or voided."},{"name":"customerId","type":["null","string"],"default":null,"doc":"Shopify customer id; null for orders without a customer."},{"name":"totalPrice","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"The order total when it was placed (total_price)."},{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyLineItem","doc":"One line of an order.","fields":[{"name":"id","type":"string","doc":"Shopify line item id: stable for the life of the order; refunds and edits refer to it."},{"name":"productId","type":["null","string"],"default":null,"doc":"Null for custom items and deleted products."},{"name":"variantId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"title","type":"string"},{"name":"quantity","type":"int","doc":"Units ordered; later edits, refunds and cancellations do not change it (see currentQuantities)."},{"name":"unitPrice","type":"com.consignstream.events.Money","doc":"Price of one unit before discounts."},{"name":"totalDiscount","type":"com.consignstream.events.Money","doc":"Discount on the whole line."}]}}}]}}]},
  ShopifyOrderPaid: {"type":"record","name":"ShopifyOrderPaid","namespace":"com.consignstream.events.shopify","doc":"An order became paid (Shopify orders/paid): its payment status changed to paid. Earnings on its lines become earned.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"order","type":{"type":"record","name":"ShopifyOrder","namespace":"com.consignstream.events.shopify","doc":"An order as Shopify sent it, in the order's currency. Shared by every order event.","fields":[{"name":"id","type":"string","doc":"Shopify order id, exact (64-bit). The record key of shopify.orders.v1."},{"name":"name","type":"string","doc":"The order's name as staff and buyers see it, e.g. #1001."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"financialStatus","type":["null","string"],"default":null,"doc":"Shopify financial_status: pending, authorized, partially_paid, paid, partially_refunded, refunded or voided."},{"name":"customerId","type":["null","string"],"default":null,"doc":"Shopify customer id; null for orders without a customer."},{"name":"totalPrice","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"The order total when it was placed (total_price)."},{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyLineItem","doc":"One line of an order.","fields":[{"name":"id","type":"string","doc":"Shopify line item id: stable for the life of the order; refunds and edits refer to it."},{"name":"productId","type":["null","string"],"default":null,"doc":"Null for custom items and deleted products."},{"name":"variantId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"title","type":"string"},{"name":"quantity","type":"int","doc":"Units ordered; later edits, refunds and cancellations do not change it (see currentQuantities)."},{"name":"unitPrice","type":"com.consignstream.events.Money","doc":"Price of one unit before discounts."},{"name":"totalDiscount","type":"com.consignstream.events.Money","doc":"Discount on the whole line."}]}}}]}},{"name":"paidAt","type":"string","doc":"When Shopify recorded the payment (the order's updated_at on orders/paid), ISO 8601 with the shop's offset."},{"name":"totalOutstanding","type":"com.consignstream.events.Money","doc":"What the buyer still owes (total_outstanding); zero once fully paid."}]},
  ShopifyOrderUpdated: {"type":"record","name":"ShopifyOrderUpdated","namespace":"com.consignstream.events.shopify","doc":"An order changed (Shopify orders/updated): an edit, a refund, a fulfilment, a note. Carries the order as it is now; consumers compare it with what they hold.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"order","type":{"type":"record","name":"ShopifyOrder","namespace":"com.consignstream.events.shopify","doc":"An order as Shopify sent it, in the order's currency. Shared by every order event.","fields":[{"name":"id","type":"string","doc":"Shopify order id, exact (64-bit). The record key of shopify.orders.v1."},{"name":"name","type":"string","doc":"The order's name as staff and buyers see it, e.g. #1001."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"financialStatus","type":["null","string"],"default":null,"doc":"Shopify financial_status: pending, authorized, partially_paid, paid, partially_refunded, refunded or voided."},{"name":"customerId","type":["null","string"],"default":null,"doc":"Shopify customer id; null for orders without a customer."},{"name":"totalPrice","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"The order total when it was placed (total_price)."},{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyLineItem","doc":"One line of an order.","fields":[{"name":"id","type":"string","doc":"Shopify line item id: stable for the life of the order; refunds and edits refer to it."},{"name":"productId","type":["null","string"],"default":null,"doc":"Null for custom items and deleted products."},{"name":"variantId","type":["null","string"],"default":null},{"name":"sku","type":["null","string"],"default":null},{"name":"title","type":"string"},{"name":"quantity","type":"int","doc":"Units ordered; later edits, refunds and cancellations do not change it (see currentQuantities)."},{"name":"unitPrice","type":"com.consignstream.events.Money","doc":"Price of one unit before discounts."},{"name":"totalDiscount","type":"com.consignstream.events.Money","doc":"Discount on the whole line."}]}}}]}},{"name":"updatedAt","type":"string","doc":"When Shopify last changed the order (updated_at), ISO 8601 with the shop's offset."},{"name":"fulfillmentStatus","type":["null","string"],"default":null,"doc":"Shopify fulfillment_status: null (unfulfilled), partial, fulfilled or restocked."},{"name":"cancelledAt","type":["null","string"],"default":null,"doc":"Set when the order is cancelled; the cancellation also arrives as ShopifyOrderCancelled."},{"name":"currentQuantities","type":{"type":"map","values":"int"},"doc":"Each line's units after edits, refunds and removals (Shopify current_quantity), by line item id. Below the line's quantity means units left the order."},{"name":"currentTotalPrice","type":"com.consignstream.events.Money","doc":"The total after edits, refunds and removals (current_total_price)."},{"name":"refunds","type":{"type":"array","items":{"type":"record","name":"ShopifyRefund","namespace":"com.consignstream.events.shopify","doc":"A refund on an order. Its line items say which lines lost how many units, and whether those units went back to stock.","fields":[{"name":"id","type":"string","doc":"Shopify refund id."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"note","type":["null","string"],"default":null},{"name":"refundLineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyRefundLineItem","fields":[{"name":"id","type":"string","doc":"Shopify refund line item id."},{"name":"lineItemId","type":"string","doc":"The order line this refund touches (ShopifyLineItem.id)."},{"name":"quantity","type":"int","doc":"Units refunded from that line."},{"name":"restockType","type":["null","string"],"default":null,"doc":"Shopify restock_type: no_restock, cancel, return or legacy_restock. Anything but no_restock put the units back in stock."},{"name":"subtotal","type":"com.consignstream.events.Money","doc":"Amount refunded for those units, before tax."}]}},"doc":"Lines and units this refund covers; empty for a refund of shipping or an amount only."}]}},"doc":"Every refund on the order so far."}]},
  ShopifyProductUpserted: {"type":"record","name":"ShopifyProductUpserted","namespace":"com.consignstream.events.shopify","doc":"A product was created or updated (Shopify products/create, products/update). Carries the product as it is now.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"change","type":{"type":"enum","name":"ShopifyProductChange","doc":"Which webhook this came from.","symbols":["created","updated"]},"doc":"created for products/create, updated for products/update."},{"name":"product","type":{"type":"record","name":"ShopifyProduct","fields":[{"name":"id","type":"string","doc":"Shopify product id, exact (64-bit). The record key of shopify.products.v1."},{"name":"title","type":"string"},{"name":"handle","type":["null","string"],"default":null},{"name":"status","type":"string","doc":"Shopify status: active, draft, archived or unlisted. A string, not an enum: Shopify adds statuses."},{"name":"vendor","type":["null","string"],"default":null},{"name":"productType","type":["null","string"],"default":null},{"name":"tags","type":{"type":"array","items":"string"},"doc":"Shopify's comma-separated tags, split and trimmed, empty ones dropped; consignor items are found by tag."},{"name":"createdAt","type":["null","string"],"default":null,"doc":"ISO 8601 with the shop's offset; Shopify sometimes sends null."},{"name":"updatedAt","type":["null","string"],"default":null,"doc":"ISO 8601 with the shop's offset: orders the updates of one product."},{"name":"variants","type":{"type":"array","items":{"type":"record","name":"ShopifyProductVariant","fields":[{"name":"id","type":"string","doc":"Shopify variant id, exact (64-bit)."},{"name":"title","type":"string"},{"name":"sku","type":["null","string"],"default":null},{"name":"price","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"Price of one unit. Shopify sends product prices without a currency: it is the shop's, the tenant's currency."},{"name":"compareAtPrice","type":["null","com.consignstream.events.Money"],"default":null,"doc":"The struck-through price; null when none."},{"name":"inventoryItemId","type":["null","string"],"default":null,"doc":"Links the variant to inventory_levels/update; null when Shopify leaves it out."},{"name":"inventoryQuantity","type":["null","int"],"default":null,"doc":"Units in stock across locations when Shopify sent the product."}]}}}]}}]},
  ShopifyRefundCreated: {"type":"record","name":"ShopifyRefundCreated","namespace":"com.consignstream.events.shopify","doc":"A refund was made on an order (Shopify refunds/create). Its lines reverse exactly the units they name, for the amounts they carry (after line discounts, before tax); whether the units went back to stock follows each line's restockType (orderLineTarget in libs/contracts). A refund of shipping or an amount only has no lines and changes no projection. Keyed by the order, so it stays in order with the order's other events.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"orderId","type":"string","doc":"Shopify order id, exact (64-bit). The record key."},{"name":"refund","type":{"type":"record","name":"ShopifyRefund","namespace":"com.consignstream.events.shopify","doc":"A refund on an order. Its line items say which lines lost how many units, and whether those units went back to stock.","fields":[{"name":"id","type":"string","doc":"Shopify refund id."},{"name":"createdAt","type":"string","doc":"ISO 8601 with the shop's offset, as Shopify sent it."},{"name":"note","type":["null","string"],"default":null},{"name":"refundLineItems","type":{"type":"array","items":{"type":"record","name":"ShopifyRefundLineItem","fields":[{"name":"id","type":"string","doc":"Shopify refund line item id."},{"name":"lineItemId","type":"string","doc":"The order line this refund touches (ShopifyLineItem.id)."},{"name":"quantity","type":"int","doc":"Units refunded from that line."},{"name":"restockType","type":["null","string"],"default":null,"doc":"Shopify restock_type: no_restock, cancel, return or legacy_restock. Anything but no_restock put the units back in stock."},{"name":"subtotal","type":{"type":"record","name":"Money","namespace":"com.consignstream.events","doc":"An amount in integer minor units (cents) of an ISO 4217 currency.","fields":[{"name":"amountMinor","type":"long"},{"name":"currency","type":"string"}]},"doc":"Amount refunded for those units, before tax."}]}},"doc":"Lines and units this refund covers; empty for a refund of shipping or an amount only."}]}}]},
  TenantConfigured: {"type":"record","name":"TenantConfigured","namespace":"com.consignstream.events.tenants","doc":"One client store's settings as an operator last set them (npm run ops -- tenants). Kept on a compacted topic under the tenant id: the latest record per tenant is the tenant; a tombstone (no value) removes it. The webhook secrets are sealed: only holders of TENANT_SECRETS_KEYS can read them.","fields":[{"name":"metadata","type":{"type":"record","name":"EventMetadata","namespace":"com.consignstream.events","doc":"Carried by every event. eventId is derived from the sender's delivery so that a redelivered webhook yields the same id.","fields":[{"name":"eventId","type":"string"},{"name":"eventType","type":"string"},{"name":"schemaVersion","type":"int"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the source says it happened."},{"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"source","type":"string","doc":"shopify, clerk, or the publishing service's name."},{"name":"tenantId","type":"string","doc":"The client store."},{"name":"shopifyWebhookId","type":["null","string"],"default":null},{"name":"shopifyEventId","type":["null","string"],"default":null},{"name":"svixMessageId","type":["null","string"],"default":null},{"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null}]}},{"name":"tenantId","type":"string"},{"name":"shopDomain","type":"string","doc":"name.myshopify.com, lower case."},{"name":"clerkInstanceIds","type":{"type":"array","items":"string"}},{"name":"currency","type":"string","doc":"ISO 4217."},{"name":"defaultCommissionRateBasisPoints","type":"int"},{"name":"consignorTagPrefix","type":"string"},{"name":"secrets","type":{"type":"record","name":"SealedTenantSecrets","doc":"The Shopify and Clerk webhook secrets (current first, then those still accepted during a rotation), as JSON sealed with AES-256-GCM under the TENANT_SECRETS_KEYS key keyId; the tenant id and key id are authenticated with them.","fields":[{"name":"keyId","type":"string"},{"name":"sealed","type":"bytes"}]}}]},
} as const;

export type EventSchemaName = keyof typeof avroSchemas;
