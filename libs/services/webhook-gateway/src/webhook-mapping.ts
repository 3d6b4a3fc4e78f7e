import { EventDefinition, events, ShopifyWebhookTopic } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { OutgoingEvent } from '@consign/kafka';
import { ClerkDelivery } from './clerk/clerk-delivery';
import { mapClerkUserCreated, mapClerkUserDeleted, mapClerkUserUpdated } from './clerk/clerk-mapping';
import { mapInventoryLevelUpdated } from './shopify/inventory-mapping';
import { mapOrderCancelled, mapOrderPaid, mapOrderUpdated, mapRefundCreated } from './shopify/order-change-mapping';
import { mapOrderCreated } from './shopify/order-mapping';
import { mapProductUpserted } from './shopify/product-mapping';
import { ShopifyDelivery } from './shopify/shopify-delivery';

/** The path after /webhooks/shopify/ that accepts a topic. */
export type ShopifyPath = 'order' | 'order/cancelled' | 'refund' | 'inventory' | 'product';

/** The path after /webhooks/clerk/ that accepts a type; user.deleted has none and arrives only through the routing endpoint. */
export type ClerkPath = 'user' | 'user/updated';

/**
 * One webhook kind: the paths that accept it, the event it becomes and how. `definition` is typed
 * `never` so routes of different events share one table; `webhookRoute` ties each definition to
 * the value its `map` returns.
 */
export interface WebhookRoute<TPath extends string, TDelivery> {
  readonly paths: readonly TPath[];
  readonly definition: EventDefinition<never>;
  readonly map: (payload: unknown, delivery: TDelivery) => unknown;
}

function webhookRoute<TPath extends string, TDelivery, TValue>(
  paths: readonly TPath[],
  definition: EventDefinition<TValue>,
  map: (payload: unknown, delivery: TDelivery) => TValue,
): WebhookRoute<TPath, TDelivery> {
  return { paths, definition, map };
}

/**
 * Without a prototype, so that looking up a header value such as "constructor" or "__proto__"
 * finds nothing rather than Object.prototype's members.
 */
function routeTable<TRoute>(routes: Record<string, TRoute>): Readonly<Record<string, TRoute>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, TRoute>, routes));
}

export type ShopifyTopicRoute = WebhookRoute<ShopifyPath, ShopifyDelivery>;
export type ClerkTypeRoute = WebhookRoute<ClerkPath, ClerkDelivery>;

// `satisfies` makes the table cover exactly the topics the platform subscribes to.
export const shopifyTopicRoutes: Readonly<Record<string, ShopifyTopicRoute>> = routeTable({
  'orders/create': webhookRoute(['order'], events.shopifyOrderCreated, mapOrderCreated),
  'orders/updated': webhookRoute(['order'], events.shopifyOrderUpdated, mapOrderUpdated),
  'orders/paid': webhookRoute(['order'], events.shopifyOrderPaid, mapOrderPaid),
  'orders/cancelled': webhookRoute(['order/cancelled'], events.shopifyOrderCancelled, mapOrderCancelled),
  'refunds/create': webhookRoute(['refund'], events.shopifyRefundCreated, mapRefundCreated),
  'inventory_levels/update': webhookRoute(['inventory'], events.shopifyInventoryLevelUpdated, mapInventoryLevelUpdated),
  'products/create': webhookRoute(['product'], events.shopifyProductUpserted, mapProductUpserted),
  'products/update': webhookRoute(['product'], events.shopifyProductUpserted, mapProductUpserted),
} satisfies Record<ShopifyWebhookTopic, ShopifyTopicRoute>);

export const clerkTypeRoutes: Readonly<Record<string, ClerkTypeRoute>> = routeTable({
  'user.created': webhookRoute(['user'], events.clerkUserCreated, mapClerkUserCreated),
  'user.updated': webhookRoute(['user/updated'], events.clerkUserUpdated, mapClerkUserUpdated),
  'user.deleted': webhookRoute([], events.clerkUserDeleted, mapClerkUserDeleted),
});

/** The route of a topic or type, or none: an own key only, whatever the sender wrote. */
export function routeOf<TRoute>(routes: Readonly<Record<string, TRoute>>, key: string): TRoute | undefined {
  return Object.hasOwn(routes, key) ? routes[key] : undefined;
}

/** The event a delivery of this route maps to. */
export function eventOfRoute<TDelivery>(
  route: WebhookRoute<string, TDelivery>,
  payload: unknown,
  delivery: TDelivery,
): OutgoingEvent<unknown> {
  // webhookRoute paired the definition with the value map returns, so the codec gets the matching schema.
  return { definition: route.definition as EventDefinition<unknown>, value: route.map(payload, delivery) };
}

/** Maps a verified Shopify delivery of `topic` to the event to publish. */
export function mapShopifyWebhook(topic: string, payload: unknown, delivery: ShopifyDelivery): OutgoingEvent<unknown> {
  const route = routeOf(shopifyTopicRoutes, topic);
  if (!route) {
    throw new PlatformError(`Shopify topic "${topic}" is not supported`, {
      code: 'shopify.topic_not_supported',
      category: 'invalid',
      details: { topic, supportedTopics: Object.keys(shopifyTopicRoutes) },
    });
  }
  return eventOfRoute(route, payload, delivery);
}

/** Maps a verified Clerk delivery of event `type` to the event to publish. */
export function mapClerkWebhook(type: string, payload: unknown, delivery: ClerkDelivery): OutgoingEvent<unknown> {
  const route = routeOf(clerkTypeRoutes, type);
  if (!route) {
    throw new PlatformError(`Clerk event type "${type}" is not supported`, {
      code: 'clerk.type_not_supported',
      category: 'invalid',
      details: { type, supportedTypes: Object.keys(clerkTypeRoutes) },
    });
  }
  return eventOfRoute(route, payload, delivery);
}
