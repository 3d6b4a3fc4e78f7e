import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { EventCodec } from '@consign/kafka';
import { developmentTenants, TenantDirectory } from '@consign/tenants';
import {
  createTemporaryDatabase,
  fuzzApi,
  FuzzTally,
  ShopifyAdminStandIn,
  startGuardedServer,
  startShopifyAdminStandIn,
  TemporaryDatabase,
  TestServer,
  testEndpoints,
} from '@consign/test-support';
import {
  createReconciliationRouter,
  discrepancyKinds,
  reconciliationMigrations,
  reconciliationPublishes,
  runReconciliation,
  shopifyReaderFactory,
  ReconciliationDeps,
} from '@consign/reconciliation';
import { seededOrder, seededProducts } from '../support/shop-seed';

/**
 * The reconciler's API behind the real key check, over a real database and registry, the Shopify
 * stand-in and services that know nothing (so every run finds discrepancies to repair): generated
 * requests never get a 5xx, and nothing without a key.
 */
const runs = 120;
const tally = new FuzzTally();
const startedAt = Date.now();
let database: TemporaryDatabase;
let dataSource: DataSource;
let standIn: ShopifyAdminStandIn;
let server: TestServer;
let knownRun: { id: string; discrepancyIds: string[] };

beforeAll(async () => {
  database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_reconciliation_fuzz');
  dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: reconciliationMigrations,
    applicationName: 'reconciliation-fuzz',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
  await codec.register(reconciliationPublishes);
  standIn = await startShopifyAdminStandIn({
    orders: [seededOrder('9007199254740993001', { updatedAt: '2026-11-28T10:00:00Z' })],
    products: seededProducts(),
  });
  const deps: ReconciliationDeps = {
    dataSource,
    codec,
    tenants: new TenantDirectory(developmentTenants),
    shopifyReaderFor: shopifyReaderFactory({ accessTokens: { 'dev-store': standIn.accessToken }, originOverride: standIn.origin }),
    local: { inventoryOrder: async () => undefined, inventoryProduct: async () => undefined, orderEarnings: async () => undefined },
  };
  const run = await runReconciliation(deps, {
    tenantId: 'dev-store',
    from: new Date('2026-11-28T00:00:00Z'),
    to: new Date('2026-11-29T00:00:00Z'),
    trigger: 'cli',
    actor: 'fuzz',
  });
  knownRun = { id: run.id, discrepancyIds: run.discrepancies.map((discrepancy) => discrepancy.id) };
  server = await startGuardedServer('reconciler', (http) =>
    http.app.use(createReconciliationRouter(deps, { guard: http.guard, defaultWindowMs: 86_400_000 })),
  );
});

afterAll(async () => {
  await server?.close();
  await standIn?.close();
  await dataSource?.destroy();
  await database?.drop();
  console.log(tally.summary('reconciler API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  const window = { tenantId: 'dev-store', from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z' };
  await fuzzApi(
    tally,
    'reconciler',
    server.base,
    {
      scopes: ['read', 'admin'],
      routes: [
        { method: 'POST', path: '/runs', body: { samples: [window, {}] } },
        { method: 'GET', path: '/runs', query: ['tenantId', 'limit'] },
        { method: 'GET', path: '/runs/:runId' },
        {
          method: 'POST',
          path: '/runs/:runId/repair',
          body: {
            samples: [
              { kind: 'order_missing', dryRun: true },
              { discrepancyIds: knownRun.discrepancyIds, dryRun: false },
            ],
          },
        },
      ],
      knownValues: { runId: [knownRun.id], tenantId: ['dev-store'], limit: ['1', '500'], kind: discrepancyKinds },
    },
    runs,
  );
  expect(tally.count('reconciler')).toBeGreaterThanOrEqual(runs);
}, 60_000);
