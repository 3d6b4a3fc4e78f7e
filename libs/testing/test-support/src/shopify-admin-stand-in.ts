import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A line of a seeded order; amounts are Shopify's decimal strings in the order's currency. */
export interface StandInLineItem {
  id: string;
  title: string;
  sku?: string | null;
  quantity: number;
  /** Units left on the line (after cancellations, edits); defaults to quantity. */
  currentQuantity?: number;
  /** The product's tags come from the seeded product with this id (none when it is not seeded). */
  productId?: string | null;
  variantId?: string | null;
  inventoryItemId?: string | null;
  price: string;
  totalDiscount?: string;
}

export interface StandInRefund {
  id: string;
  createdAt: string;
  note?: string | null;
  lines: Array<{
    id: string;
    lineItemId: string;
    quantity: number;
    restockType: 'NO_RESTOCK' | 'CANCEL' | 'RETURN' | 'LEGACY_RESTOCK';
    subtotal: string;
  }>;
}

/** An order of the seeded shop; ids are exact decimal strings (64-bit), enums as GraphQL spells them. */
export interface StandInOrder {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string | null;
  cancelReason?: 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'STAFF' | 'OTHER' | null;
  displayFinancialStatus: 'PENDING' | 'AUTHORIZED' | 'PARTIALLY_PAID' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'VOIDED';
  currencyCode: string;
  totalPrice: string;
  totalOutstanding?: string;
  customerId?: string | null;
  lineItems: StandInLineItem[];
  refunds?: StandInRefund[];
}

export interface StandInVariant {
  id: string;
  title: string;
  sku?: string | null;
  price: string;
  compareAtPrice?: string | null;
  inventoryQuantity: number | null;
  updatedAt: string;
  inventoryItemId: string;
  inventoryItemUpdatedAt?: string;
  /** Where the item is stocked; null: nowhere. */
  locationId?: string | null;
}

export interface StandInProduct {
  id: string;
  title: string;
  handle?: string | null;
  status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED' | 'UNLISTED';
  vendor?: string | null;
  productType?: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  variants: StandInVariant[];
}

/** Shopify's leaky bucket of query points. */
export interface StandInBucket {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export interface StandInRequest {
  at: number;
  apiVersion: string;
  accessToken: string | undefined;
  root: string | undefined;
  variables: Record<string, unknown>;
  requestedQueryCost: number | undefined;
  outcome: 'ok' | 'throttled' | 'unauthorized' | 'error';
}

export interface ShopifyAdminStandInOptions {
  /** On 127.0.0.1; 0 (the default) takes a free port. */
  port?: number;
  accessToken?: string;
  orders?: StandInOrder[];
  products?: StandInProduct[];
  bucket?: Partial<StandInBucket>;
  /** Points one node of each root connection costs (its nested connections included). */
  nodeCost?: { orders?: number; products?: number };
}

export interface ShopifyAdminStandIn {
  /** Where to send the requests: SHOPIFY_ADMIN_API_ORIGIN. */
  origin: string;
  accessToken: string;
  /** The seeded shop; tests may change it between requests. */
  shop: { orders: StandInOrder[]; products: StandInProduct[] };
  /** Every request, in order. */
  requests: StandInRequest[];
  /** Sets the bucket now, e.g. nearly empty so that the next query is THROTTLED. */
  setBucket(bucket: Partial<StandInBucket>): void;
  close(): Promise<void>;
}

const maxQueryCost = 1000;

const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;
const money = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode } });

/**
 * A stand-in for the Shopify Admin GraphQL API (POST /admin/api/<version>/graphql.json) over a
 * seeded in-memory shop: the `orders` (with the `updated_at:>=… updated_at:<=…` search) and
 * `products` connections answer with global ids, `nodes` and `pageInfo`, opaque cursors, and
 * `extensions.cost` from a leaky bucket that restores in real time: a query costing more than is
 * available answers THROTTLED as Shopify does (HTTP 200, errors[].extensions.code). It answers
 * every field the reconciler's queries select, whatever the selection.
 */
export async function startShopifyAdminStandIn(options: ShopifyAdminStandInOptions = {}): Promise<ShopifyAdminStandIn> {
  const accessToken = options.accessToken ?? 'shpat_stand_in_token';
  const shop = { orders: options.orders ?? [], products: options.products ?? [] };
  const requests: StandInRequest[] = [];
  const nodeCost = { orders: options.nodeCost?.orders ?? 30, products: options.nodeCost?.products ?? 12 };
  let bucket: StandInBucket = { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100, ...options.bucket };
  let bucketAt = Date.now();

  const refill = () => {
    const now = Date.now();
    bucket = {
      ...bucket,
      currentlyAvailable: Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + ((now - bucketAt) / 1000) * bucket.restoreRate),
    };
    bucketAt = now;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return send(res, 404, { errors: 'Not Found' });
    const token = req.headers['x-shopify-access-token'] as string | undefined;
    const body = JSON.parse((await readBody(req)) || '{}') as { query?: string; variables?: Record<string, unknown> };
    const query = body.query ?? '';
    const variables = body.variables ?? {};
    const root = /\borders\s*\(/.test(query) ? 'orders' : /\bproducts\s*\(/.test(query) ? 'products' : undefined;
    const entry: StandInRequest = {
      at: Date.now(),
      apiVersion: match[1],
      accessToken: token,
      root,
      variables,
      requestedQueryCost: undefined,
      outcome: 'ok',
    };
    requests.push(entry);
    if (token !== accessToken) {
      entry.outcome = 'unauthorized';
      return send(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    if (root === undefined) {
      entry.outcome = 'error';
      return send(res, 200, {
        errors: [{ message: 'The stand-in answers only the orders and products connections', extensions: { code: 'undefinedField' } }],
      });
    }
    const first = Number(variables.first);
    if (!Number.isInteger(first) || first < 1 || first > 250) {
      entry.outcome = 'error';
      return send(res, 200, {
        errors: [{ message: 'The first argument must be an integer from 1 to 250', extensions: { code: 'argumentLiteralsIncompatible' } }],
      });
    }
    const requested = 2 + first * nodeCost[root];
    entry.requestedQueryCost = requested;
    if (requested > maxQueryCost) {
      entry.outcome = 'error';
      return send(res, 200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${maxQueryCost}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: maxQueryCost },
          },
        ],
      });
    }
    refill();
    if (requested > bucket.currentlyAvailable) {
      entry.outcome = 'throttled';
      return send(res, 200, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { ...bucket } } },
      });
    }
    const page = root === 'orders' ? ordersPage(shop, variables, first) : productsPage(shop, variables, first);
    const actual = 2 + page.nodes.length * nodeCost[root];
    bucket = { ...bucket, currentlyAvailable: bucket.currentlyAvailable - actual };
    return send(res, 200, {
      data: { [root]: page },
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: { ...bucket } } },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { errors: [{ message: (error as Error).message }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    accessToken,
    shop,
    requests,
    setBucket(partial) {
      refill();
      bucket = { ...bucket, ...partial };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function ordersPage(shop: { orders: StandInOrder[]; products: StandInProduct[] }, variables: Record<string, unknown>, first: number) {
  const search = String(variables.query ?? '');
  const from = /updated_at:>=\s*'?([^'\s]+)'?/.exec(search)?.[1];
  const to = /updated_at:<=\s*'?([^'\s]+)'?/.exec(search)?.[1];
  const matching = shop.orders
    .filter(
      (order) =>
        (from === undefined || Date.parse(order.updatedAt) >= Date.parse(from)) &&
        (to === undefined || Date.parse(order.updatedAt) <= Date.parse(to)),
    )
    .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || compareIds(a.id, b.id));
  const tagsOf = new Map(shop.products.map((product) => [product.id, product.tags]));
  return paginate(matching, variables.after, first, (order) => orderNode(order, tagsOf));
}

function productsPage(shop: { orders: StandInOrder[]; products: StandInProduct[] }, variables: Record<string, unknown>, first: number) {
  return paginate(
    [...shop.products].sort((a, b) => compareIds(a.id, b.id)),
    variables.after,
    first,
    productNode,
  );
}

/** Ids are compared as the 64-bit integers they are, not as text or doubles. */
function compareIds(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Opaque cursors, as Shopify's are: base64 of the last node's id. */
function paginate<T extends { id: string }>(items: T[], after: unknown, first: number, render: (item: T) => unknown) {
  let start = 0;
  if (typeof after === 'string' && after !== '') {
    const lastId = (JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as { last_id: string }).last_id;
    start = items.findIndex((item) => item.id === lastId) + 1;
  }
  const slice = items.slice(start, start + first);
  const last = slice.at(-1);
  return {
    nodes: slice.map(render),
    pageInfo: {
      hasNextPage: start + first < items.length,
      endCursor: last === undefined ? null : Buffer.from(JSON.stringify({ last_id: last.id }), 'utf8').toString('base64url'),
    },
  };
}

function orderNode(order: StandInOrder, tagsOf: Map<string, string[]>) {
  const currency = order.currencyCode;
  return {
    id: gid('Order', order.id),
    name: order.name,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt ?? null,
    cancelReason: order.cancelReason ?? null,
    displayFinancialStatus: order.displayFinancialStatus,
    currencyCode: currency,
    customer: order.customerId ? { id: gid('Customer', order.customerId) } : null,
    totalPriceSet: money(order.totalPrice, currency),
    totalOutstandingSet: money(order.totalOutstanding ?? '0.00', currency),
    lineItems: {
      nodes: order.lineItems.map((line) => ({
        id: gid('LineItem', line.id),
        title: line.title,
        sku: line.sku ?? null,
        quantity: line.quantity,
        currentQuantity: line.currentQuantity ?? line.quantity,
        product: line.productId ? { id: gid('Product', line.productId), tags: tagsOf.get(line.productId) ?? [] } : null,
        variant: line.variantId
          ? {
              id: gid('ProductVariant', line.variantId),
              inventoryItem: line.inventoryItemId ? { id: gid('InventoryItem', line.inventoryItemId) } : null,
            }
          : null,
        originalUnitPriceSet: money(line.price, currency),
        totalDiscountSet: money(line.totalDiscount ?? '0.00', currency),
      })),
      pageInfo: { hasNextPage: false },
    },
    refunds: (order.refunds ?? []).map((refund) => ({
      id: gid('Refund', refund.id),
      createdAt: refund.createdAt,
      note: refund.note ?? null,
      refundLineItems: {
        nodes: refund.lines.map((line) => ({
          id: gid('RefundLineItem', line.id),
          quantity: line.quantity,
          restockType: line.restockType,
          lineItem: { id: gid('LineItem', line.lineItemId) },
          subtotalSet: money(line.subtotal, currency),
        })),
      },
    })),
  };
}

function productNode(product: StandInProduct) {
  return {
    id: gid('Product', product.id),
    title: product.title,
    handle: product.handle ?? null,
    status: product.status,
    vendor: product.vendor ?? null,
    productType: product.productType ?? null,
    tags: product.tags,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    variants: {
      nodes: product.variants.map((variant) => ({
        id: gid('ProductVariant', variant.id),
        title: variant.title,
        sku: variant.sku ?? null,
        price: variant.price,
        compareAtPrice: variant.compareAtPrice ?? null,
        inventoryQuantity: variant.inventoryQuantity,
        updatedAt: variant.updatedAt,
        inventoryItem: {
          id: gid('InventoryItem', variant.inventoryItemId),
          updatedAt: variant.inventoryItemUpdatedAt ?? variant.updatedAt,
          inventoryLevels: { nodes: variant.locationId === null ? [] : [{ location: { id: gid('Location', variant.locationId ?? '1') } }] },
        },
      })),
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
