import { PlatformError } from '@consign/errors';

/** What became of a delivery: on Kafka, in the spool until Kafka answers, a repeat, or refused (with its reason). */
export const historyOutcomes = ['published', 'spooled', 'duplicate', 'rejected'] as const;
export type HistoryOutcome = (typeof historyOutcomes)[number];

export interface HistoryFilter {
  /** Received at or after. */
  from?: Date;
  /** Received before. */
  to?: Date;
  source?: 'shopify' | 'clerk';
  tenantId?: string;
  /** The sender's topic or event type: `orders/create`, `user.created`. */
  topic?: string;
  outcome?: HistoryOutcome;
  /** A refusal's code, `shopify.signature_invalid` say: only refused deliveries have one. */
  reason?: string;
  /** The order, product, inventory item or Clerk user the delivery was about. */
  subjectId?: string;
  /** X-Shopify-Webhook-Id or svix-id. */
  deliveryId?: string;
}

/** Where a page ends: the next page starts after this entry, newest first. */
export interface HistoryCursor {
  receivedAt: string;
  id: string;
}

export interface HistoryPageRequest {
  filter: HistoryFilter;
  limit: number;
  after?: HistoryCursor;
}

export const defaultHistoryPageSize = 50;
export const maxHistoryPageSize = 500;

const textFilters = { tenant: 'tenantId', topic: 'topic', reason: 'reason', subject: 'subjectId', deliveryId: 'deliveryId' } as const;
const acceptedParameters = new Set(['from', 'to', 'source', 'outcome', 'limit', 'cursor', ...Object.keys(textFilters)]);

function invalid(parameter: string, message: string): PlatformError {
  return new PlatformError(`?${parameter}: ${message}`, {
    code: 'admin.filter_invalid',
    category: 'invalid',
    httpStatus: 400,
    details: { parameter },
  });
}

function isoTime(parameter: string, value: string): Date {
  const parsed = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed.getTime()))
    throw invalid(parameter, `must be an ISO 8601 time such as 2026-01-31T12:00:00Z, got "${value.slice(0, 64)}"`);
  return parsed;
}

/** The cursor is opaque to callers: they pass back what the previous page named. */
export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return Buffer.from(`${cursor.receivedAt}|${cursor.id}`, 'utf8').toString('base64url');
}

function decodeHistoryCursor(value: string): HistoryCursor {
  const [receivedAt, id, extra] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  // PostgreSQL's own text of the time, to the microsecond: a page boundary between two entries of one millisecond holds.
  if (
    extra !== undefined ||
    !/^\d+$/.test(id ?? '') ||
    !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(receivedAt ?? '')
  )
    throw invalid('cursor', 'is not a cursor this API gave out');
  return { receivedAt, id };
}

/**
 * The delivery-history search as the admin API takes it (`GET /admin/delivery-history?…`). An
 * unknown parameter is refused rather than ignored: a misspelt filter would otherwise widen the
 * search silently.
 */
export function parseHistoryQuery(query: Record<string, unknown>): HistoryPageRequest {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!acceptedParameters.has(name)) throw invalid(name, `is not a filter; the filters are ${[...acceptedParameters].join(', ')}`);
    if (typeof value !== 'string' || value === '') throw invalid(name, 'must be given once, with a value');
    if (value.length > 512) throw invalid(name, 'is longer than 512 characters');
    values[name] = value;
  }
  const filter: HistoryFilter = {};
  if (values.from !== undefined) filter.from = isoTime('from', values.from);
  if (values.to !== undefined) filter.to = isoTime('to', values.to);
  if (filter.from && filter.to && filter.from >= filter.to) throw invalid('to', 'must be later than ?from');
  if (values.source !== undefined) {
    if (values.source !== 'shopify' && values.source !== 'clerk')
      throw invalid('source', `must be shopify or clerk, got "${values.source.slice(0, 64)}"`);
    filter.source = values.source;
  }
  if (values.outcome !== undefined) {
    if (!(historyOutcomes as readonly string[]).includes(values.outcome))
      throw invalid('outcome', `must be one of ${historyOutcomes.join(', ')}, got "${values.outcome.slice(0, 64)}"`);
    filter.outcome = values.outcome as HistoryOutcome;
  }
  for (const [parameter, field] of Object.entries(textFilters)) if (values[parameter] !== undefined) filter[field] = values[parameter];
  if (filter.reason !== undefined && filter.outcome !== undefined && filter.outcome !== 'rejected')
    throw invalid('reason', 'goes with ?outcome=rejected: only refused deliveries have a reason');
  let limit = defaultHistoryPageSize;
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1 || Number(values.limit) > maxHistoryPageSize)
      throw invalid('limit', `must be a whole number from 1 to ${maxHistoryPageSize}, got "${values.limit.slice(0, 64)}"`);
    limit = Number(values.limit);
  }
  return { filter, limit, ...(values.cursor !== undefined ? { after: decodeHistoryCursor(values.cursor) } : {}) };
}
