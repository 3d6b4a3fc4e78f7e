import { Request, Response, Router } from 'express';
import { DataSource } from 'typeorm';
import { PlatformError } from '@consign/errors';
import { earningsExceptionKinds } from '../domain/sale';
import {
  clientEarnings,
  ConsignorEarningsTotals,
  consignorEarnings,
  EarningsExceptionView,
  EarningsTotals,
  LedgerEntryView,
  listEarningsExceptions,
  orderEarnings,
  ReportPeriod,
} from '../store/reports';
import { toCsv } from './csv';

/**
 * The earnings read API: JSON by default, CSV with `?format=csv` or `Accept: text/csv`. Errors
 * are PlatformErrors; the service's problem handler renders them.
 */
export function createEarningsReadRouter(dataSource: DataSource): Router {
  const router = Router();

  router.get('/consignors/:consignorId/earnings', async (req, res) => {
    const format = formatOf(req);
    const report = await consignorEarnings(
      dataSource.manager,
      requiredQuery(req, 'tenantId'),
      String(req.params.consignorId),
      periodOf(req),
    );
    if (format === 'csv') return sendCsv(res, toCsv(entryColumns, report.entries));
    res.json(report);
  });

  router.get('/clients/:tenantId/earnings', async (req, res) => {
    const format = formatOf(req);
    const report = await clientEarnings(dataSource.manager, String(req.params.tenantId), periodOf(req));
    if (format === 'csv') return sendCsv(res, toCsv(consignorTotalsColumns, report.consignors));
    res.json(report);
  });

  router.get('/orders/:orderId/earnings', async (req, res) => {
    const format = formatOf(req);
    const tenantId = requiredQuery(req, 'tenantId');
    const report = await orderEarnings(dataSource.manager, tenantId, String(req.params.orderId));
    if (report === undefined) {
      throw new PlatformError(`order ${req.params.orderId} of ${tenantId} has not been received`, {
        code: 'earnings.order_not_found',
        category: 'invalid',
        httpStatus: 404,
      });
    }
    if (format === 'csv') return sendCsv(res, toCsv(entryColumns, report.entries));
    res.json(report);
  });

  router.get('/exceptions', async (req, res) => {
    const format = formatOf(req);
    const tenantId = requiredQuery(req, 'tenantId');
    const kind = optionalQuery(req, 'kind');
    if (kind !== null && !(earningsExceptionKinds as readonly string[]).includes(kind)) {
      throw invalidQuery(`kind must be one of ${earningsExceptionKinds.join(', ')}`, { kind });
    }
    const exceptions = await listEarningsExceptions(dataSource.manager, tenantId, kind);
    if (format === 'csv') return sendCsv(res, toCsv(exceptionColumns, exceptions));
    res.json({ tenantId, kind, exceptions });
  });

  return router;
}

const entryColumns: { header: string; value: (entry: LedgerEntryView) => unknown }[] = [
  { header: 'entry_id', value: (entry) => entry.id },
  { header: 'type', value: (entry) => entry.type },
  { header: 'occurred_at', value: (entry) => entry.occurredAt },
  { header: 'consignor_id', value: (entry) => entry.consignorId },
  { header: 'order_id', value: (entry) => entry.orderId },
  { header: 'line_item_id', value: (entry) => entry.lineItemId },
  { header: 'item_title', value: (entry) => entry.itemTitle },
  { header: 'quantity', value: (entry) => entry.quantity },
  { header: 'currency', value: (entry) => entry.currency },
  { header: 'gross_minor', value: (entry) => entry.grossMinor },
  { header: 'commission_rate_basis_points', value: (entry) => entry.commissionRateBasisPoints },
  { header: 'consignor_share_minor', value: (entry) => entry.consignorShareMinor },
  { header: 'store_share_minor', value: (entry) => entry.storeShareMinor },
  { header: 'status', value: (entry) => entry.status },
  { header: 'reverses_entry_id', value: (entry) => entry.reversesEntryId },
  { header: 'reason', value: (entry) => entry.reason },
];

const totalsColumns: { header: string; value: (totals: EarningsTotals) => unknown }[] = [
  { header: 'currency', value: (totals) => totals.currency },
  { header: 'earned_minor', value: (totals) => totals.earnedMinor },
  { header: 'pending_minor', value: (totals) => totals.pendingMinor },
  { header: 'reversed_minor', value: (totals) => totals.reversedMinor },
  { header: 'net_minor', value: (totals) => totals.netMinor },
  { header: 'gross_minor', value: (totals) => totals.grossMinor },
  { header: 'store_share_minor', value: (totals) => totals.storeShareMinor },
];

const consignorTotalsColumns: { header: string; value: (totals: ConsignorEarningsTotals) => unknown }[] = [
  { header: 'consignor_id', value: (totals) => totals.consignorId },
  ...totalsColumns,
];

const exceptionColumns: { header: string; value: (exception: EarningsExceptionView) => unknown }[] = [
  { header: 'exception_id', value: (exception) => exception.id },
  { header: 'kind', value: (exception) => exception.kind },
  { header: 'occurred_at', value: (exception) => exception.occurredAt },
  { header: 'order_id', value: (exception) => exception.orderId },
  { header: 'line_item_id', value: (exception) => exception.lineItemId },
  { header: 'consignor_id', value: (exception) => exception.consignorId },
  { header: 'detail', value: (exception) => exception.detail },
  { header: 'cause_event_id', value: (exception) => exception.causeEventId },
  { header: 'resolved_at', value: (exception) => exception.resolvedAt },
];

function formatOf(req: Request): 'json' | 'csv' {
  const format = optionalQuery(req, 'format');
  if (format === 'csv' || format === 'json') return format;
  if (format !== null) throw invalidQuery('format must be json or csv', { format });
  return req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
}

function periodOf(req: Request): ReportPeriod {
  const period = { from: dayQuery(req, 'from'), to: dayQuery(req, 'to') };
  if (period.from !== null && period.to !== null && period.from > period.to) throw invalidQuery('from must not be after to', period);
  return period;
}

function dayQuery(req: Request, name: string): string | null {
  const value = optionalQuery(req, name);
  if (value === null) return null;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (day === undefined || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw invalidQuery(`${name} must be a day, YYYY-MM-DD (UTC)`, { [name]: value });
  }
  return value;
}

function requiredQuery(req: Request, name: string): string {
  const value = optionalQuery(req, name);
  if (value === null) throw invalidQuery(`query parameter ${name} is required`, {});
  return value;
}

function optionalQuery(req: Request, name: string): string | null {
  const value = req.query[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalidQuery(`query parameter ${name} must be given once`, {});
  return value;
}

function invalidQuery(message: string, details: Record<string, unknown>): PlatformError {
  return new PlatformError(message, { code: 'earnings.invalid_query', category: 'invalid', httpStatus: 400, details });
}

function sendCsv(res: Response, body: string): void {
  res.type('text/csv; charset=utf-8').send(body);
}
