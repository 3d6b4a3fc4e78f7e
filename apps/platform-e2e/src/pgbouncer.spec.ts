import { Client } from 'pg';
import { developmentAdminKey } from '@consign/service-runtime';
import {
  createTemporaryDatabase,
  orderBody,
  PgBouncer,
  productBody,
  shopifyId,
  startPgBouncer,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
  WebhookSender,
} from '@consign/test-support';
import { PlatformUnderTest } from './support/platform-under-test';

/**
 * The gateway and inventory-service with every database connection through a real PgBouncer in
 * transaction pooling mode (two server connections per database, so the apps' clients share them):
 * `migrate`, the gateway's claims, spool relay and records, inventory-service's consumer and outbox
 * relay. Nothing a session keeps may be relied on there.
 */
const tenantId = 'dev-store';
const endpoints = testEndpoints();
let bouncer: PgBouncer;
let gatewayDatabase: TemporaryDatabase;
let inventoryDatabase: TemporaryDatabase;
let platform: PlatformUnderTest;
let webhooks: WebhookSender;

async function queryDirectly<T>(database: TemporaryDatabase, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  bouncer = await startPgBouncer({ poolSize: 2 });
  gatewayDatabase = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_gateway_pgbouncer_e2e');
  inventoryDatabase = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_inventory_pgbouncer_e2e');
  // The same URL serves `migrate` and the app: both go through PgBouncer.
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service'],
    {},
    {
      gateway: { GATEWAY_DATABASE_URL: bouncer.urlOf(gatewayDatabase.name) },
      'inventory-service': { INVENTORY_DATABASE_URL: bouncer.urlOf(inventoryDatabase.name) },
    },
    { skipHistory: true },
  );
  webhooks = new WebhookSender(platform.urls.gateway);
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await gatewayDatabase?.drop();
  await inventoryDatabase?.drop();
  await bouncer?.stop();
});

describe('gateway and inventory-service behind a transaction-pooling PgBouncer', () => {
  it('takes webhooks in, claims and records them, and inventory-service applies them', async () => {
    const products = Array.from({ length: 6 }, () => ({ product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() }));
    // Together, so that the gateway's claims run on several connections at once.
    await Promise.all(
      products.map((ids) =>
        webhooks.shopify(
          'products/create',
          productBody({
            id: ids.product,
            title: 'Wool coat',
            tags: ['consignor:pgbouncer-e2e'],
            variants: [{ id: ids.variant, inventoryItemId: ids.inventoryItem, sku: `SKU-${ids.variant}`, price: '90.00', quantity: 5 }],
          }),
        ),
      ),
    );
    for (const ids of products) {
      await waitFor('inventory-service to hold the product', async () => {
        const response = await fetch(`${platform.internalUrls['inventory-service']}/items/${ids.variant}?tenantId=${tenantId}`, {
          headers: { authorization: `Bearer ${developmentAdminKey}` },
        });
        return response.status === 200 ? true : undefined;
      });
    }
    const [sold] = products;
    const orderId = shopifyId();
    await webhooks.shopify(
      'orders/create',
      orderBody({
        id: orderId,
        name: `#PGB-${orderId}`,
        lines: [{ id: shopifyId(), productId: sold.product, variantId: sold.variant, title: 'Wool coat', quantity: 3, price: '90.00' }],
      }),
    );
    await waitFor('inventory-service to apply the order', async () => {
      const item = await platform.read<{ quantity: number }>('inventory-service', `/items/${sold.variant}?tenantId=${tenantId}`);
      return item.quantity === 2 ? item : undefined;
    });

    const deliveries = await queryDirectly<{ status: string; n: number }>(
      gatewayDatabase,
      'SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status',
    );
    expect(deliveries).toEqual([{ status: 'published', n: 7 }]);
    await waitFor('inventory-service to relay its outbox', async () => {
      const [{ pending, relayed }] = await queryDirectly<{ pending: number; relayed: number }>(
        inventoryDatabase,
        'SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS pending, count(*) FILTER (WHERE published_at IS NOT NULL)::int AS relayed FROM outbox_events',
      );
      return pending === 0 && relayed > 0 ? true : undefined;
    });
    // The gateway's commit mode reaches it through PgBouncer: a default of its role in its database.
    const [{ synchronous_commit }] = await queryDirectly<{ synchronous_commit: string }>(gatewayDatabase, 'SHOW synchronous_commit');
    expect(synchronous_commit).toBe('off');
    expect(platform.output('gateway')).not.toMatch(/"level":"(error|fatal)"/);
    expect(platform.output('inventory-service')).not.toMatch(/"level":"(error|fatal)"/);
  });
});
