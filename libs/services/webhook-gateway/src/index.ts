import { CreatePersonalDataKeys1764362000000 } from '@consign/personal-data';
import {
  AddDeliverySubjectsAndReplays1764355410000,
  CreateDeliveryHistory1764363000000,
  CreateWebhookDeliveries1764355400000,
  IndexDeliveriesByEventAndArrival1764355420000,
} from './intake/gateway-migrations';

export { createWebhookRouter } from './http/webhook-router';
export { WebhookAdmission } from './http/webhook-admission';
export { createAdminRouter } from './http/admin-router';
export { maxReplayDeliveries } from './http/replay-request';
export { WebhookReplay } from './replay/webhook-replay';
export { WebhookArchive } from './replay/webhook-archive';
export type { ArchivePosition, ArchiveRead } from './replay/webhook-archive';
export { mapArchivedDelivery } from './replay/archived-delivery';
export type { ArchivedDelivery } from './replay/archived-delivery';
export { DeliveryStore } from './intake/delivery-store';
export { DeliveryHistory } from './history/delivery-history';
export type { HistoryEntry } from './history/delivery-history';
export { parseHistoryQuery } from './history/history-query';
export { WebhookIntake } from './intake/webhook-intake';
export { ArchiveSealing } from './intake/archive-sealing';
export type { OutgoingRecord } from './intake/webhook-intake';
export { SpoolRelay } from './intake/spool-relay';
export { GatewayMetrics } from './intake/gateway-metrics';
export { verifyShopifyHmac, signShopifyBody } from './shopify/shopify-signature';
export { signSvixBody } from './svix/svix-signature';
export { parseCidrList } from './network';
export { mapOrderCreated } from './shopify/order-mapping';
export { mapOrderUpdated, mapOrderPaid, mapOrderCancelled } from './shopify/order-change-mapping';
export { mapInventoryLevelUpdated } from './shopify/inventory-mapping';
export { mapProductUpserted } from './shopify/product-mapping';
export type { ShopifyDelivery } from './shopify/shopify-delivery';
export type { ClerkDelivery } from './clerk/clerk-delivery';
export { mapClerkUserCreated, mapClerkUserUpdated, mapClerkUserDeleted, clerkInstanceIdOf } from './clerk/clerk-mapping';
export { shopifyTopicRoutes, clerkTypeRoutes, mapShopifyWebhook, mapClerkWebhook } from './webhook-mapping';
export { parseExactJson } from './exact-json';
export const gatewayMigrations = [
  CreateWebhookDeliveries1764355400000,
  AddDeliverySubjectsAndReplays1764355410000,
  IndexDeliveriesByEventAndArrival1764355420000,
  CreatePersonalDataKeys1764362000000,
  CreateDeliveryHistory1764363000000,
];
