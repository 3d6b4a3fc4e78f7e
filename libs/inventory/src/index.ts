import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { CreateInventory1764356000000 } from './migrations/1764356000000-create-inventory';
import { KeepRefundLines1764356100000 } from './migrations/1764356100000-keep-refund-lines';
import { HoldEarlyEvents1764356200000 } from './migrations/1764356200000-hold-early-events';

export { syncProduct } from './persistence/sync-product';
export { recordOrderPlaced } from './persistence/record-order-placed';
export { recordOrdersPlaced } from './persistence/record-orders-placed';
export { applyOrderUpdate, applyRefund, cancelOrder } from './persistence/order-changes';
export { applyInventoryLevel } from './persistence/apply-inventory-level';
export { escalateOverdueHolds } from './persistence/holds';
export { createInventoryReadRouter } from './http/inventory-read-router';
export { reconciliationKinds } from './persistence/reconciliation';

/** Plain SQL throughout: no TypeORM entities. */
export const inventoryEntities = [];
export const inventoryMigrations = [CreateProcessedEvents1764355100000, CreateOutboxEvents1764355150000, CreateInventory1764356000000, KeepRefundLines1764356100000, HoldEarlyEvents1764356200000];
