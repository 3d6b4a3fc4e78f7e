import express from 'express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { EventCodec } from '@consign/kafka';
import { listOperatorActions } from '@consign/operations';
import { ApiKeyring, createLogger, createServiceHttp, developmentAdminKey, hashApiKey } from '@consign/service-runtime';
import { developmentTenants, TenantDirectory } from '@consign/tenants';
import {
  createTemporaryDatabase,
  ShopifyAdminStandIn,
  startShopifyAdminStandIn,
  TemporaryDatabase,
  testEndpoints,
} from '@consign/test-support';
import { LocalEarningsEntry, LocalOrder, LocalProduct } from '../src/domain/local-state';
import {
  createReconciliationRouter,
  httpLocalReadApi,
  reconciliationMigrations,
  reconciliationPublishes,
  repairDiscrepancies,
  runReconciliation,
  shopifyReaderFactory,
  ReconciliationDeps,
} from '@consign/reconciliation';
import { seededOrder, seededProducts } from './support/shop-seed';

const readKey = 'reconciler-read-key';
const keys = new ApiKeyring([
  { name: 'operator', sha256: hashApiKey(developmentAdminKey), scopes: ['read', 'admin'] },
  { name: 'auditor', sha256: hashApiKey('auditor-key'), scopes: ['read'] },
]);

/** A small HTTP server answering like inventory's and earnings' read routers, from maps the test fills. */
async function startFakeServices() {
  const orders = new Map<string, LocalOrder>();
  const products = new Map<string, LocalProduct>();
  const earnings = new Map<string, LocalEarningsEntry[]>();
  const app = express();
  // The services' read APIs need a key with the read scope: the fake one refuses any other.
  app.use((req, res, next) =>
    req.header('authorization') === `Bearer ${readKey}` ? next() : res.status(401).json({ status: 401, code: 'api.unauthorized' }),
  );
  const answer = <T>(found: T | undefined, res: express.Response) =>
    found === undefined ? res.status(404).type('application/problem+json').json({ status: 404, code: 'not_found' }) : res.json(found);
  app.get('/orders/:orderId/earnings', (req, res) =>
    answer(earnings.has(req.params.orderId) ? { entries: earnings.get(req.params.orderId) } : undefined, res),
  );
  app.get('/orders/:orderId', (req, res) => answer(orders.get(req.params.orderId), res));
  app.get('/products/:productId', (req, res) => answer(products.get(req.params.productId), res));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { orders, products, earnings, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const ids = {
  missing: '9007199254740993001',
  cancelledInShopify: '9007199254740993002',
  cancelledLocally: '9007199254740993003',
  wrongEarnings: '9007199254740993004',
  fine: '9007199254740993005',
};
const sale = (orderId: string, grossMinor: number): LocalEarningsEntry => ({
  type: 'sale',
  consignorId: 'c-7',
  lineItemId: `${orderId.slice(0, -2)}11`,
  grossMinor,
  quantity: 1,
});

describe('reconciliation against the Shopify stand-in and the services read APIs (real PostgreSQL and registry)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  let standIn: ShopifyAdminStandIn;
  let services: Awaited<ReturnType<typeof startFakeServices>>;
  let deps: ReconciliationDeps;
  const window = { from: new Date('2026-11-28T00:00:00Z'), to: new Date('2026-11-29T00:00:00Z') };
  const request = { tenantId: 'dev-store', ...window, trigger: 'cli' as const, actor: 'alice' };
  const outboxRows = async () =>
    (await dataSource.query(
      'SELECT event_id AS "eventId", event_type AS "eventType", topic, record_key AS "key" FROM outbox_events ORDER BY id',
    )) as Array<Record<string, string>>;

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_reconciliation_test');
    dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: reconciliationMigrations,
      applicationName: 'reconciliation-test',
    });
    await dataSource.initialize();
    await migrateDatabase(dataSource);
    const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    await codec.register(reconciliationPublishes);
    standIn = await startShopifyAdminStandIn({
      orders: [
        seededOrder(ids.missing, { updatedAt: '2026-11-28T10:00:00Z' }),
        seededOrder(ids.cancelledInShopify, {
          updatedAt: '2026-11-28T11:00:00Z',
          cancelledAt: '2026-11-28T11:00:00Z',
          cancelReason: 'CUSTOMER',
          displayFinancialStatus: 'REFUNDED',
        }),
        seededOrder(ids.cancelledLocally, { updatedAt: '2026-11-28T12:00:00Z' }),
        seededOrder(ids.wrongEarnings, { updatedAt: '2026-11-28T13:00:00Z' }),
        seededOrder(ids.fine, { updatedAt: '2026-11-28T14:00:00Z' }),
      ],
      products: seededProducts(),
    });
    services = await startFakeServices();
    const received = (orderId: string): LocalOrder => ({ orderId, state: 'received', cancelledAt: null });
    services.orders.set(ids.cancelledInShopify, received(ids.cancelledInShopify));
    services.orders.set(ids.cancelledLocally, {
      orderId: ids.cancelledLocally,
      state: 'cancelled',
      cancelledAt: '2026-11-28T12:00:00.000Z',
    });
    services.orders.set(ids.wrongEarnings, received(ids.wrongEarnings));
    services.orders.set(ids.fine, received(ids.fine));
    services.earnings.set(ids.wrongEarnings, [sale(ids.wrongEarnings, 18_000)]);
    services.earnings.set(ids.fine, [sale(ids.fine, 19_000)]);
    services.products.set('7001000000000000001', {
      productId: '7001000000000000001',
      items: [{ variantId: '7001000000000000101', inventoryItemId: '7001000000000000201', quantity: 5 }],
    });
    deps = {
      dataSource,
      codec,
      tenants: new TenantDirectory(developmentTenants),
      shopifyReaderFor: shopifyReaderFactory({
        accessTokens: { 'dev-store': standIn.accessToken },
        originOverride: standIn.origin,
        ordersPageSize: 2,
      }),
      local: httpLocalReadApi({ inventory: services.url, earnings: services.url }, readKey),
    };
  });

  afterAll(async () => {
    await standIn?.close();
    services?.server.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('finds each kind of discrepancy once, with both sides values, and stores the run', async () => {
    const run = await runReconciliation(deps, request);
    expect(run).toMatchObject({
      status: 'succeeded',
      tenantId: 'dev-store',
      trigger: 'cli',
      actor: 'alice',
      windowFrom: '2026-11-28T00:00:00.000Z',
      error: null,
    });
    expect(run.counts).toEqual({
      order_missing: 1,
      order_cancelled_in_shopify_only: 1,
      order_cancelled_locally_only: 1,
      inventory_level_differs: 1,
      product_unknown: 1,
      earnings_mismatch: 1,
      books_stock_mismatch: 0,
    });
    const byKind = Object.fromEntries(run.discrepancies.map((discrepancy) => [discrepancy.kind, discrepancy]));
    expect(byKind.order_missing).toMatchObject({ subjectId: ids.missing, localValue: null, repairable: true, repairedAt: null });
    expect(byKind.order_cancelled_in_shopify_only).toMatchObject({
      subjectId: ids.cancelledInShopify,
      localValue: { state: 'received' },
      shopifyValue: { cancelledAt: '2026-11-28T11:00:00Z' },
    });
    expect(byKind.order_cancelled_locally_only).toMatchObject({ subjectId: ids.cancelledLocally, repairable: false });
    expect(byKind.earnings_mismatch).toMatchObject({
      subjectId: ids.wrongEarnings,
      shopifyValue: { lines: [{ consignorId: 'c-7', expectedGrossMinor: 19_000 }] },
      localValue: { lines: [{ netGrossMinor: 18_000 }] },
    });
    expect(byKind.inventory_level_differs).toMatchObject({
      subjectId: '7001000000000000101',
      shopifyValue: { available: 3 },
      localValue: { quantity: 5 },
    });
    expect(byKind.product_unknown).toMatchObject({ subjectId: '7002000000000000001', localValue: null });
    expect(standIn.requests.filter((entry) => entry.root === 'orders')).toHaveLength(3);
  });

  it('fails the run with the reason when a service is down, reporting nothing', async () => {
    const down = { ...deps, local: httpLocalReadApi({ inventory: services.url, earnings: 'http://127.0.0.1:1' }, readKey) };
    const run = await runReconciliation(down, request);
    expect(run).toMatchObject({
      status: 'failed',
      discrepancies: [],
      error: expect.stringContaining('earnings-service at http://127.0.0.1:1 unreachable'),
    });
    expect(Object.values(run.counts).every((count) => count === 0)).toBe(true);
    expect((await listOperatorActions(dataSource, { action: 'reconciliation.run', limit: 1 }))[0]).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('earnings-service'),
    });
  });

  it('shows on a dry run what a repair publishes, then publishes it to the outbox and marks the discrepancies repaired', async () => {
    const run = await runReconciliation(deps, request);
    const dry = await repairDiscrepancies(deps, { runId: run.id, kind: 'order_missing', dryRun: true, actor: 'alice' });
    expect(dry.repaired[0].events.map((event) => [event.eventType, event.topic, event.key])).toEqual([
      ['shopify.order.created', 'shopify.orders.v1', ids.missing],
      ['shopify.order.paid', 'shopify.orders.v1', ids.missing],
    ]);
    expect(dry.repaired[0].events[0].value.metadata).toMatchObject({
      source: 'reconciler',
      correlationId: run.id,
      causationId: dry.repaired[0].discrepancyId,
    });
    expect(await outboxRows()).toEqual([]);

    const all = run.discrepancies.map((discrepancy) => discrepancy.id);
    const real = await repairDiscrepancies(deps, { runId: run.id, discrepancyIds: all, actor: 'bob' });
    expect(real.repaired.map((entry) => entry.kind).sort()).toEqual([
      'inventory_level_differs',
      'order_cancelled_in_shopify_only',
      'order_missing',
      'product_unknown',
    ]);
    expect(real.skipped.map((entry) => entry.kind).sort()).toEqual(['earnings_mismatch', 'order_cancelled_locally_only']);
    expect(real.repaired.find((entry) => entry.kind === 'order_missing')?.events.map((event) => event.eventId)).toEqual(
      dry.repaired[0].events.map((event) => event.eventId),
    );
    const rows = await outboxRows();
    expect(rows.map((row) => row.eventType).sort()).toEqual([
      'shopify.inventory_level.updated',
      'shopify.order.cancelled',
      'shopify.order.created',
      'shopify.order.paid',
      'shopify.product.upserted',
    ]);
    expect(rows.find((row) => row.eventType === 'shopify.inventory_level.updated')?.key).toBe('7001000000000000201');

    const repaired = (await runReconciliation(deps, { ...request, trigger: 'schedule', actor: 'schedule' })).discrepancies;
    expect(repaired).toHaveLength(6);
    const again = await repairDiscrepancies(deps, { runId: run.id, discrepancyIds: all, actor: 'bob' });
    expect(again.repaired).toEqual([]);
    expect(again.skipped.filter((entry) => entry.reason.startsWith('already repaired'))).toHaveLength(4);

    const audit = await listOperatorActions(dataSource, { action: 'reconciliation.repair' });
    expect(audit.slice(0, 3).map((row) => [row.actor, row.outcome])).toEqual([
      ['bob', 'succeeded'],
      ['bob', 'succeeded'],
      ['alice', 'dry_run'],
    ]);
    expect(audit[1].parameters).toMatchObject({ runId: run.id, discrepancyIds: all, dryRun: false });
  });

  it('publishes the same event ids when another run repairs the same Shopify state', async () => {
    const before = await outboxRows();
    const secondRun = await runReconciliation(deps, request);
    const second = await repairDiscrepancies(deps, { runId: secondRun.id, kind: 'order_missing', actor: 'carol' });
    expect(second.repaired[0].events.map((event) => event.eventId)).toEqual(
      before.filter((row) => row.key === ids.missing && row.eventType !== 'shopify.order.cancelled').map((row) => row.eventId),
    );
    expect(await outboxRows()).toEqual(before);
  });

  it('refuses a repair without a choice, and of discrepancies the run does not have', async () => {
    const run = await runReconciliation(deps, request);
    await expect(repairDiscrepancies(deps, { runId: run.id, actor: 'dave' })).rejects.toMatchObject({
      code: 'reconciliation.repair_choice_required',
    });
    await expect(repairDiscrepancies(deps, { runId: run.id, discrepancyIds: ['nope'], actor: 'dave' })).rejects.toMatchObject({
      code: 'reconciliation.discrepancy_not_found',
      httpStatus: 404,
    });
    expect((await listOperatorActions(dataSource, { actor: 'dave' })).map((row) => row.outcome)).toEqual(['failed', 'failed']);
  });

  describe('HTTP API', () => {
    let server: Server;
    let base: string;
    const key = { authorization: `Bearer ${developmentAdminKey}`, 'content-type': 'application/json' };

    beforeAll(async () => {
      const http = createServiceHttp({
        service: 'reconciler-test',
        logger: createLogger('reconciler-test', 'silent'),
        readiness: [],
        apiKeys: keys,
      });
      http.app.use(createReconciliationRouter(deps, { guard: http.guard, defaultWindowMs: 86_400_000 }));
      http.finish();
      server = http.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it("runs on demand, lists and shows runs, and repairs, auditing each POST under the key's name whatever X-Operator claims", async () => {
      const created = await fetch(`${base}/runs`, {
        method: 'POST',
        headers: key,
        body: JSON.stringify({ from: window.from.toISOString(), to: window.to.toISOString() }),
      });
      expect(created.status).toBe(201);
      const run = (await created.json()) as { id: string; tenantId: string; trigger: string; actor: string; discrepancies: unknown[] };
      expect(run).toMatchObject({ tenantId: 'dev-store', trigger: 'http', actor: 'api-key:operator' });
      expect(run.discrepancies).toHaveLength(6);

      const listed = (await (await fetch(`${base}/runs?tenantId=dev-store&limit=2`, { headers: key })).json()) as {
        runs: Array<{ id: string }>;
      };
      expect(listed.runs).toHaveLength(2);
      expect((await fetch(`${base}/runs/${run.id}`, { headers: key })).status).toBe(200);
      expect((await fetch(`${base}/runs/unknown`, { headers: key })).status).toBe(404);

      const repair = await fetch(`${base}/runs/${run.id}/repair`, {
        method: 'POST',
        headers: { ...key, 'x-operator': 'erin' },
        body: JSON.stringify({ kind: 'product_unknown', dryRun: true }),
      });
      expect(repair.status).toBe(200);
      expect(((await repair.json()) as { dryRun: boolean; repaired: unknown[] }).repaired).toHaveLength(1);
      expect(await listOperatorActions(dataSource, { actor: 'erin' })).toEqual([]);
      expect(
        (await listOperatorActions(dataSource, { actor: 'api-key:operator' })).map((row) => [row.action, row.outcome, row.parameters]),
      ).toEqual([
        ['reconciliation.repair', 'dry_run', { runId: run.id, discrepancyIds: null, kind: 'product_unknown', dryRun: true }],
        ['reconciliation.run', 'succeeded', expect.anything()],
      ]);
    });

    it('refuses callers without a key, runs by a read-only key, and bad requests', async () => {
      expect((await fetch(`${base}/runs`, { method: 'POST' })).status).toBe(401);
      const auditor = { authorization: 'Bearer auditor-key', 'content-type': 'application/json' };
      expect((await fetch(`${base}/runs`, { method: 'POST', headers: auditor, body: '{}' })).status).toBe(403);
      expect((await fetch(`${base}/runs?tenantId=dev-store`, { headers: auditor })).status).toBe(200);
      const bad = await fetch(`${base}/runs`, { method: 'POST', headers: key, body: JSON.stringify({ from: 'yesterday' }) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { code: string }).code).toBe('reconciliation.invalid_request');
    });

    it('answers a failed run with a problem naming the run and the reason', async () => {
      services.server.closeAllConnections();
      const down = createServiceHttp({
        service: 'reconciler-down',
        logger: createLogger('reconciler-down', 'silent'),
        readiness: [],
        apiKeys: keys,
      });
      down.app.use(
        createReconciliationRouter(
          { ...deps, local: httpLocalReadApi({ inventory: 'http://127.0.0.1:1', earnings: 'http://127.0.0.1:1' }, readKey) },
          { guard: down.guard, defaultWindowMs: 86_400_000 },
        ),
      );
      down.finish();
      const downServer = down.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => downServer.once('listening', resolve));
      try {
        const response = await fetch(`http://127.0.0.1:${(downServer.address() as AddressInfo).port}/runs`, {
          method: 'POST',
          headers: key,
          body: '{}',
        });
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({
          code: 'reconciliation.run_failed',
          runId: expect.any(String),
          reason: expect.stringContaining('inventory-service'),
        });
      } finally {
        downServer.close();
      }
    });
  });
});
