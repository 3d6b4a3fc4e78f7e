import { randomUUID } from 'node:crypto';
import { createServiceDataSource } from '@consign/database';
import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { DeliveryHistory, DeliveryStore, HistoryEntry, parseHistoryQuery } from '@consign/webhook-gateway';
import { GatewayDatabase, openGatewayDatabase } from '../support/gateway-database';

/** The delivery history on the real PostgreSQL: its pages, its retention, and what it does when it cannot write. */
let database: GatewayDatabase;
let history: DeliveryHistory;

function entry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    requestId: randomUUID(),
    receivedAt: new Date(),
    source: 'shopify',
    tenantId: 'history-store',
    topic: 'orders/create',
    deliveryId: randomUUID(),
    deliveryKey: null,
    subjectId: null,
    eventId: null,
    outcome: 'rejected',
    reason: 'shopify.signature_invalid',
    detail: 'X-Shopify-Hmac-Sha256 is missing or does not match the body',
    httpStatus: 401,
    sourceAddress: '203.0.113.7',
    headers: { 'x-shopify-topic': 'orders/create' },
    ...overrides,
  };
}

beforeAll(async () => {
  database = await openGatewayDatabase('consign_gateway_history_test');
  history = new DeliveryHistory(database.dataSource);
});

afterAll(async () => {
  await history?.stop();
  await database?.drop();
});

it('pages newest first, each entry once, also across entries received in the same millisecond', async () => {
  const tenantId = `paged-${randomUUID()}`;
  const sameMoment = new Date();
  const entries = Array.from({ length: 7 }, (_, index) =>
    entry({ tenantId, receivedAt: index < 5 ? sameMoment : new Date(sameMoment.getTime() - index * 1000), deliveryId: `d${index}` }),
  );
  for (const each of entries) history.record(each);
  await history.flush();
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10; pages += 1) {
    const page = await history.search(parseHistoryQuery({ tenant: tenantId, limit: '2', ...(cursor ? { cursor } : {}) }));
    seen.push(...page.deliveries.map((delivery) => delivery.deliveryId as string));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  // The five of one millisecond come newest id first, then the older two.
  expect(seen).toEqual(['d4', 'd3', 'd2', 'd1', 'd0', 'd5', 'd6']);
});

it('forgets entries past the retention, and keeps where a forgotten delivery landed once the dedupe window lets it go', async () => {
  const store = new DeliveryStore(database.dataSource);
  const old = new Date(Date.now() - 31 * 86_400_000);
  const stale = entry({ receivedAt: old });
  const deliveryKey = `shopify:history-store.myshopify.com:${randomUUID()}`;
  const published = entry({
    receivedAt: new Date(Date.now() - 3 * 86_400_000),
    outcome: 'published',
    reason: null,
    detail: null,
    httpStatus: 200,
    deliveryKey,
    subjectId: '42',
  });
  history.record(stale);
  history.record(published);
  await history.flush();
  const landed = [{ topic: 'shopify.orders.v1', partition: 2, offset: '17' }];
  await database.dataSource.query(
    `INSERT INTO webhook_deliveries (delivery_key, source, tenant_id, topic, delivery_id, event_id, request_id, subject_id, status, received_at, published_at, published_to)
     VALUES ($1, 'shopify', 'history-store', 'orders/create', $2, $3, $4, '42', 'published', now() - interval '3 days', now() - interval '3 days', $5)`,
    [deliveryKey, published.deliveryId, randomUUID(), published.requestId, JSON.stringify(landed)],
  );
  const whileKept = await history.search(parseHistoryQuery({ deliveryId: published.deliveryId as string }));
  expect(whileKept.deliveries[0].publishedTo).toEqual(landed);

  expect(await store.forgetOlderThan(48 * 3_600_000)).toBeGreaterThanOrEqual(1);
  expect(await database.dataSource.query('SELECT 1 FROM webhook_deliveries WHERE delivery_key = $1', [deliveryKey])).toEqual([]);
  expect((await history.search(parseHistoryQuery({ deliveryId: published.deliveryId as string }))).deliveries[0].publishedTo).toEqual(
    landed,
  );

  expect(await history.forgetOlderThan(30 * 86_400_000)).toBeGreaterThanOrEqual(1);
  expect((await history.search(parseHistoryQuery({ deliveryId: stale.deliveryId as string }))).deliveries).toEqual([]);
  expect((await history.search(parseHistoryQuery({ deliveryId: published.deliveryId as string }))).deliveries).toHaveLength(1);
});

it('counts what it could not write, and never holds more than its bound while the database refuses', async () => {
  // A database without the history's table: every write is refused.
  const bare = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_gateway_history_bare');
  const dataSource = createServiceDataSource({
    url: bare.url,
    tls: { mode: 'disable' },
    migrations: [],
    applicationName: 'gateway-history-test',
  });
  await dataSource.initialize();
  const unrecorded: Array<{ count: number; error?: string }> = [];
  const failing = new DeliveryHistory(dataSource, {
    maxBuffered: 3,
    flushIntervalMs: 60_000,
    onUnrecorded: (count, error) => unrecorded.push({ count, error: error?.message }),
  });
  try {
    for (let index = 0; index < 5; index += 1) failing.record(entry());
    await failing.flush();
    expect(unrecorded).toEqual([{ count: 1 }, { count: 1 }, { count: 3, error: expect.stringMatching(/delivery_history/) }]);
    // Refused writes do not pile up: the next entries are written (or counted) on their own.
    failing.record(entry());
    await failing.flush();
    expect(unrecorded.at(-1)).toMatchObject({ count: 1 });
  } finally {
    await failing.stop();
    await dataSource.destroy();
    await bare.drop();
  }
});
