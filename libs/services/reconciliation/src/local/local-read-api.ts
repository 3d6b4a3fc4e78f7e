import { PlatformError } from '@consign/errors';
import { LocalEarningsEntry, LocalOrder, LocalProduct } from '../domain/local-state';

/** Base URLs of the services whose read APIs hold the local projections the reconciler compares. */
export interface LocalServiceUrls {
  inventory: string;
  earnings: string;
}

/** What the reconciler reads of the local projections. */
export interface LocalReadApi {
  /** Undefined when inventory has never heard of the order (404). */
  inventoryOrder(tenantId: string, orderId: string): Promise<LocalOrder | undefined>;
  inventoryProduct(tenantId: string, productId: string): Promise<LocalProduct | undefined>;
  /** Undefined when earnings never received the order (404). */
  orderEarnings(tenantId: string, orderId: string): Promise<LocalEarningsEntry[] | undefined>;
}

/**
 * The services' read APIs over HTTP, never their databases. A service that is down or answers
 * anything but 200/404 fails the read with a `reconciliation.service_unavailable` error naming it:
 * a run must fail then, not report what it could not see as discrepancies.
 */
export function httpLocalReadApi(urls: LocalServiceUrls, apiKey: string, timeoutMs = 10_000): LocalReadApi {
  async function read<T>(service: 'inventory' | 'earnings', path: string): Promise<T | undefined> {
    const url = new URL(path, urls[service]);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw unavailable(service, urls[service], `unreachable (${cause})`);
    }
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw unavailable(service, urls[service], `answered HTTP ${response.status} for ${url.pathname}`);
    return (await response.json()) as T;
  }
  const query = (tenantId: string) => `?tenantId=${encodeURIComponent(tenantId)}`;
  return {
    inventoryOrder: (tenantId, orderId) => read<LocalOrder>('inventory', `/orders/${encodeURIComponent(orderId)}${query(tenantId)}`),
    inventoryProduct: (tenantId, productId) =>
      read<LocalProduct>('inventory', `/products/${encodeURIComponent(productId)}${query(tenantId)}`),
    orderEarnings: async (tenantId, orderId) =>
      (await read<{ entries: LocalEarningsEntry[] }>('earnings', `/orders/${encodeURIComponent(orderId)}/earnings${query(tenantId)}`))
        ?.entries,
  };
}

function unavailable(service: string, baseUrl: string, reason: string): PlatformError {
  return new PlatformError(`${service}-service at ${baseUrl} ${reason}; the reconciliation cannot compare without it`, {
    code: 'reconciliation.service_unavailable',
    category: 'dependency',
    httpStatus: 503,
    details: { service: `${service}-service`, baseUrl },
  });
}
