import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { CreateInventory1764356000000 } from './migrations/1764356000000-create-inventory';
import { KeepRefundLines1764356100000 } from './migrations/1764356100000-keep-refund-lines';
import { HoldEarlyEvents1764356200000 } from './migrations/1764356200000-hold-early-events';

export { handleInventoryEvent, inventoryEventHandlers } from './handlers';
export { syncProduct } from './handlers/sync-product';
export { recordOrderPlaced } from './handlers/record-order-placed';
export { recordOrdersPlaced } from './handlers/record-orders-placed';
export { applyOrderUpdate, applyRefund, cancelOrder } from './handlers/order-changes';
export { applyInventoryLevel } from './handlers/apply-inventory-level';
export { escalateOverdueHolds } from './handlers/holds';
export { createInventoryReadRouter } from './http/inventory-read-router';
export { reconciliationKinds } from './store/reconciliation';

export const inventoryMigrations = [
  CreateProcessedEvents1764355100000,
  CreateOutboxEvents1764355150000,
  CreateInventory1764356000000,
  KeepRefundLines1764356100000,
  HoldEarlyEvents1764356200000,
];
