import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { CreateEarningsProjections1764357000000 } from './migrations/1764357000000-create-earnings-projections';
import { CreateEarningsLedger1764357010000 } from './migrations/1764357010000-create-earnings-ledger';
import { HoldEarlyOrderLines1764357020000 } from './migrations/1764357020000-hold-early-order-lines';

export { earningsExceptionKinds } from './domain/sale';

export { handleEarningsEvent } from './persistence/handle-earnings-event';
export type { EarningsInputEvent } from './persistence/handle-earnings-event';
export { recordSale, recordOrderPayment, recordOrderUpdate, reverseCancelledOrder, recordRefund, escalateOverdueHolds } from './persistence/order-events';
export { recordSales } from './persistence/record-sales';
export { recordProductOwnership } from './persistence/product-ownership';
export { recordConsignorRegistered, recordConsignorUpdated, recordConsignorDeactivated } from './persistence/consignor-events';
export { consignorEarnings, orderEarnings, listEarningsExceptions } from './persistence/reports';
export type { EarningsExceptionView, ConsignorEarningsReport, ClientEarningsReport, OrderEarningsReport } from './persistence/reports';
export { createEarningsReadRouter } from './http/earnings-read-router';

/** Plain SQL throughout (manager.query): no TypeORM entities. */
export const earningsEntities = [];
export const earningsMigrations = [
  CreateProcessedEvents1764355100000,
  CreateOutboxEvents1764355150000,
  CreateEarningsProjections1764357000000,
  CreateEarningsLedger1764357010000,
  HoldEarlyOrderLines1764357020000,
];
