import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { CreateEarningsProjections1764357000000 } from './migrations/1764357000000-create-earnings-projections';
import { CreateEarningsLedger1764357010000 } from './migrations/1764357010000-create-earnings-ledger';
import { HoldEarlyOrderLines1764357020000 } from './migrations/1764357020000-hold-early-order-lines';

export { earningsExceptionKinds } from './domain/sale';

export { earningsEventHandlers, handleEarningsEvent } from './handlers';
export type { EarningsInputEvent } from './handlers';
export { escalateOverdueHolds, recordSale } from './handlers/order-events';
export { recordSales } from './handlers/record-sales';
export { consignorEarnings, orderEarnings, listEarningsExceptions } from './store/reports';
export type { EarningsExceptionView, ConsignorEarningsReport, ClientEarningsReport, OrderEarningsReport } from './store/reports';
export { createEarningsReadRouter } from './http/earnings-read-router';

export const earningsMigrations = [
  CreateProcessedEvents1764355100000,
  CreateOutboxEvents1764355150000,
  CreateEarningsProjections1764357000000,
  CreateEarningsLedger1764357010000,
  HoldEarlyOrderLines1764357020000,
];
