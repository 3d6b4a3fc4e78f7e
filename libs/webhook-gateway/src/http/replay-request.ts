import { PlatformError } from '@consign/errors';
import { ArchivedDelivery } from '../replay/archived-delivery';

/** Deliveries per replay request: a time range is replayed in pages of this size. */
export const maxReplayDeliveries = 500;

/** Room for a full page of large order bodies, base64-encoded. */
export const replayBodyLimitBytes = 64 * 1024 * 1024;

/**
 * Reads `{ deliveries: [{ source, deliveryId, topic, tenantId, receivedAt, headers, bodyBase64,
 * correlationId? }] }`. Without a correlationId, the replayed event carries the replay request's id.
 */
export function parseReplayRequest(body: unknown, requestId: string): ArchivedDelivery[] {
  const deliveries = isObject(body) ? body.deliveries : undefined;
  if (!Array.isArray(deliveries) || deliveries.length === 0 || deliveries.length > maxReplayDeliveries) {
    throw invalid(`deliveries must be an array of 1 to ${maxReplayDeliveries} archived deliveries`, 'deliveries');
  }
  return deliveries.map((item: unknown, index) => {
    const at = (field: string) => `deliveries[${index}].${field}`;
    if (!isObject(item)) throw invalid('each delivery must be an object', `deliveries[${index}]`);
    if (item.source !== 'shopify' && item.source !== 'clerk') throw invalid('source must be "shopify" or "clerk"', at('source'));
    for (const field of ['deliveryId', 'topic', 'tenantId', 'receivedAt', 'bodyBase64']) {
      if (typeof item[field] !== 'string' || item[field] === '') throw invalid(`${field} must be a non-empty string`, at(field));
    }
    const receivedAt = Date.parse(String(item.receivedAt));
    if (Number.isNaN(receivedAt)) throw invalid('receivedAt must be an ISO 8601 timestamp', at('receivedAt'));
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(String(item.bodyBase64))) throw invalid('bodyBase64 must be base64', at('bodyBase64'));
    const headers = item.headers;
    if (!isObject(headers) || !Object.values(headers).every((value) => typeof value === 'string')) {
      throw invalid('headers must be an object of lower-cased names to string values', at('headers'));
    }
    if (item.correlationId !== undefined && typeof item.correlationId !== 'string') throw invalid('correlationId must be a string', at('correlationId'));
    return {
      source: item.source,
      deliveryId: String(item.deliveryId),
      topic: String(item.topic),
      tenantId: String(item.tenantId),
      receivedAt,
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)])),
      body: Buffer.from(String(item.bodyBase64), 'base64'),
      correlationId: typeof item.correlationId === 'string' ? item.correlationId : requestId,
    };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, field: string): PlatformError {
  return new PlatformError(message, { code: 'admin.invalid_replay_request', category: 'invalid', httpStatus: 400, details: { field } });
}
