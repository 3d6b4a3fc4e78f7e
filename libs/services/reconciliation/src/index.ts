import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { operationsMigrations } from '@consign/operations';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { events } from '@consign/contracts';
import { CreateReconciliation1764361000000 } from './migrations/1764361000000-create-reconciliation';

export { runReconciliation } from './reconcile';
export { reconciliationMetrics } from './reconciliation-metrics';
export type { ReconciliationDeps } from './reconcile';
export { repairDiscrepancies } from './repair';
export { createReconciliationRouter } from './http/reconciliation-router';
export { discrepancyKinds } from './domain/discrepancies';
export { ShopifyAdminReader, shopifyAdminApiVersion, shopifyReaderFactory } from './shopify/shopify-admin-reader';
export type { ShopifyAdminReaderOptions } from './shopify/shopify-admin-reader';
export { httpLocalReadApi } from './local/local-read-api';
export { CreateReconciliation1764361000000 };

/** The reconciler's database: processed events (shared schema), outbox, audit log, runs. */
export const reconciliationMigrations = [
  CreateProcessedEvents1764355100000,
  CreateOutboxEvents1764355150000,
  ...operationsMigrations,
  CreateReconciliation1764361000000,
];

/** What repairs publish: their schemas are registered and their topics relayed. */
export const reconciliationPublishes = [
  events.shopifyOrderCreated,
  events.shopifyOrderPaid,
  events.shopifyOrderCancelled,
  events.shopifyProductUpserted,
  events.shopifyInventoryLevelUpdated,
];
