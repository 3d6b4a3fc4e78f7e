import { AdminApiClient, createAdminApiClient } from '@shopify/admin-api-client';
import { shopifyApiVersion } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { Tenant } from '@consign/tenants';
import { ShopifyOrderState, ShopifyProductState } from '../domain/shopify-state';
import { orderStateOf, productStateOf } from './map-nodes';
import { Connection, OrderNode, ordersQuery, ProductNode, productsQuery } from './queries';
import { QueryCost, waitBeforeQueryMs } from './throttle';

export const shopifyAdminApiVersion = shopifyApiVersion;

export interface ShopifyAdminReaderOptions {
  /** The shop's permanent domain, e.g. acme.myshopify.com. */
  shopDomain: string;
  /** The shop's currency: product prices come without one. */
  shopCurrency: string;
  accessToken: string;
  apiVersion?: string;
  /**
   * Sends the requests to this origin (e.g. http://127.0.0.1:4321) instead of https://<shopDomain>:
   * for stand-ins in tests and local runs; unset in production.
   */
  originOverride?: string;
  ordersPageSize?: number;
  productsPageSize?: number;
  /** How many THROTTLED answers in a row one query waits out before the read fails. */
  maxThrottledRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every wait, for logs and tests. */
  onWait?: (wait: { reason: 'throttled' | 'pacing'; waitMs: number; requestedCost: number; currentlyAvailable: number }) => void;
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads a shop's orders and products through the official Admin GraphQL client, page by page
 * (cursor pagination). It respects Shopify's query-cost bucket: a THROTTLED answer is waited out
 * for (requested − available) / restoreRate seconds and retried, and before each page it waits
 * when the bucket, refilled since the last answer, holds fewer points than the page will cost.
 */
export class ShopifyAdminReader {
  private readonly client: AdminApiClient;
  private readonly sleep: (ms: number) => Promise<void>;
  private lastCost: { cost: QueryCost; at: number } | undefined;
  /** What each query cost last time: the estimate for its next page. */
  private readonly requestedCostByQuery = new Map<string, number>();

  constructor(private readonly options: ShopifyAdminReaderOptions) {
    const origin = options.originOverride;
    this.client = createAdminApiClient({
      storeDomain: options.shopDomain,
      apiVersion: options.apiVersion ?? shopifyAdminApiVersion,
      accessToken: options.accessToken,
      userAgentPrefix: 'consign-stream-reconciler',
      // The client always builds https://<shop>; the override keeps its path and headers.
      customFetchApi: origin === undefined ? undefined : (url, init) => fetch(new URL(new URL(String(url)).pathname, origin), init),
      // The supported-versions list is computed from the clock; a newer version than it knows is still ours to choose.
      logger: () => undefined,
    });
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Every order Shopify updated within [from, to]. */
  async ordersUpdatedBetween(from: Date, to: Date): Promise<ShopifyOrderState[]> {
    const search = `updated_at:>='${from.toISOString()}' updated_at:<='${to.toISOString()}'`;
    const nodes = await this.readAll<OrderNode>('orders', ordersQuery, { query: search }, this.options.ordersPageSize ?? 10);
    return nodes.map(orderStateOf);
  }

  /** Every product of the shop, whatever its status. */
  async products(): Promise<ShopifyProductState[]> {
    const nodes = await this.readAll<ProductNode>('products', productsQuery, {}, this.options.productsPageSize ?? 50);
    return nodes.map((node) => productStateOf(node, this.options.shopCurrency));
  }

  private async readAll<TNode>(
    root: 'orders' | 'products',
    query: string,
    variables: Record<string, unknown>,
    first: number,
  ): Promise<TNode[]> {
    const all: TNode[] = [];
    let after: string | null = null;
    do {
      const data: Record<string, Connection<TNode>> = await this.request(root, query, { ...variables, first, after });
      const page: Connection<TNode> = data[root];
      all.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    return all;
  }

  private async request<TData>(name: string, query: string, variables: Record<string, unknown>): Promise<TData> {
    const maxRetries = this.options.maxThrottledRetries ?? 10;
    for (let attempt = 0; ; attempt += 1) {
      await this.paceBefore(name);
      const response = await this.client.request<TData>(query, { variables });
      const cost = (response.extensions as { cost?: QueryCost } | undefined)?.cost;
      if (cost) {
        this.lastCost = { cost, at: Date.now() };
        this.requestedCostByQuery.set(name, cost.requestedQueryCost);
      }
      const errors = (response.errors?.graphQLErrors ?? []) as GraphQLError[];
      if (errors.some((error) => error.extensions?.code === 'THROTTLED') && cost) {
        if (attempt >= maxRetries)
          throw this.failure('shopify.throttled', `Shopify kept throttling the ${name} query (${attempt + 1} answers)`, 'transient');
        const waitMs = waitBeforeQueryMs(cost.requestedQueryCost, cost.throttleStatus);
        this.options.onWait?.({
          reason: 'throttled',
          waitMs,
          requestedCost: cost.requestedQueryCost,
          currentlyAvailable: cost.throttleStatus.currentlyAvailable,
        });
        await this.sleep(waitMs);
        continue;
      }
      if (response.errors) throw this.errorOf(name, response.errors.networkStatusCode, response.errors.message, errors);
      if (response.data === undefined)
        throw this.failure('shopify.query_failed', `Shopify answered the ${name} query without data`, 'transient');
      return response.data;
    }
  }

  private async paceBefore(name: string): Promise<void> {
    const requested = this.requestedCostByQuery.get(name);
    if (requested === undefined || this.lastCost === undefined) return;
    const { throttleStatus } = this.lastCost.cost;
    const waitMs = waitBeforeQueryMs(requested, throttleStatus, Date.now() - this.lastCost.at);
    if (waitMs === 0) return;
    this.options.onWait?.({ reason: 'pacing', waitMs, requestedCost: requested, currentlyAvailable: throttleStatus.currentlyAvailable });
    await this.sleep(waitMs);
  }

  private errorOf(name: string, status: number | undefined, message: string | undefined, errors: GraphQLError[]): PlatformError {
    const detail = errors.length > 0 ? errors.map((error) => error.message).join('; ') : (message ?? 'no detail');
    if (status === undefined)
      return this.failure(
        'shopify.unreachable',
        `Shopify Admin API for ${this.options.shopDomain} is unreachable: ${detail}`,
        'dependency',
      );
    if (status === 401 || status === 403)
      return this.failure(
        'shopify.unauthorized',
        `Shopify refused the access token for ${this.options.shopDomain} (HTTP ${status})`,
        'invalid',
      );
    return this.failure('shopify.query_failed', `Shopify answered the ${name} query with HTTP ${status}: ${detail}`, 'transient');
  }

  private failure(code: string, message: string, category: 'transient' | 'dependency' | 'invalid'): PlatformError {
    return new PlatformError(message, { code, category, httpStatus: 502, details: { shopDomain: this.options.shopDomain } });
  }
}

/** One Admin API reader per tenant, with that shop's access token (SHOPIFY_ADMIN_TOKENS). */
export function shopifyReaderFactory(
  settings: { accessTokens: Readonly<Record<string, string>> } & Pick<
    ShopifyAdminReaderOptions,
    'originOverride' | 'apiVersion' | 'onWait' | 'ordersPageSize' | 'productsPageSize'
  >,
): (tenant: Tenant) => ShopifyAdminReader {
  return (tenant) => {
    const accessToken = settings.accessTokens[tenant.id];
    if (accessToken === undefined) {
      throw new PlatformError(`no Shopify Admin API access token for tenant ${tenant.id} (SHOPIFY_ADMIN_TOKENS)`, {
        code: 'reconciliation.shopify_token_missing',
        category: 'invalid',
        httpStatus: 400,
      });
    }
    return new ShopifyAdminReader({
      originOverride: settings.originOverride,
      apiVersion: settings.apiVersion,
      onWait: settings.onWait,
      ordersPageSize: settings.ordersPageSize,
      productsPageSize: settings.productsPageSize,
      shopDomain: tenant.shopDomain,
      shopCurrency: tenant.currency,
      accessToken,
    });
  };
}
