import { fuzzApi, FuzzTally, startGuardedServer, TestServer } from '@consign/test-support';
import {
  applyInventoryLevel,
  cancelOrder,
  createInventoryReadRouter,
  reconciliationKinds,
  recordOrderPlaced,
  syncProduct,
} from '@consign/inventory';
import { InventoryDatabase, openInventoryDatabase } from '../support/inventory-database';
import { levelUpdated, orderCancelled, orderCreated, productUpserted, tenantNamed } from '../support/inventory-events';

/**
 * The inventory read API behind the real key check, over a real database holding products, an
 * order, a level update and open reconciliation records: generated requests never get a 5xx, and
 * nothing without a key.
 */
const runs = 150;
const tally = new FuzzTally();
const startedAt = Date.now();
const tenant = tenantNamed('fuzz-store');
let db: InventoryDatabase;
let server: TestServer;

beforeAll(async () => {
  db = await openInventoryDatabase('consign_inventory_fuzz');
  await db.apply((manager) =>
    syncProduct(
      manager,
      productUpserted(tenant.id, 'product-1', {
        id: 'p1',
        title: 'Jacket',
        tags: ['consignor:c1'],
        variants: [
          { id: 'v1', quantity: 1 },
          { id: 'v2', quantity: 2 },
        ],
      }),
      tenant,
    ),
  );
  await db.apply((manager) =>
    recordOrderPlaced(
      manager,
      orderCreated(tenant.id, 'order-1', 'o1', [
        { id: 'l1', variantId: 'v1' },
        { id: 'l9', variantId: 'v999' },
      ]),
    ),
  );
  await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'level-1', 'inv-v2', 1, '2026-01-04T00:00:00Z')));
  await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-7', 'o7', [{ id: 'l70', variantId: 'v4' }])));
  server = await startGuardedServer('inventory-service', (http) =>
    http.app.use(http.guard('read'), createInventoryReadRouter(db.dataSource)),
  );
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
  console.log(tally.summary('inventory read API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  await fuzzApi(
    tally,
    'inventory',
    server.base,
    {
      scopes: ['read'],
      routes: [
        { method: 'GET', path: '/items', query: ['tenantId', 'consignorId'] },
        { method: 'GET', path: '/items/:variantId', query: ['tenantId'] },
        { method: 'GET', path: '/availability', query: ['tenantId', 'consignorId'] },
        { method: 'GET', path: '/orders/:orderId', query: ['tenantId'] },
        { method: 'GET', path: '/products/:productId', query: ['tenantId'] },
        { method: 'GET', path: '/reconciliation', query: ['tenantId', 'kind'] },
        { method: 'GET', path: '/held', query: ['tenantId'] },
      ],
      knownValues: {
        tenantId: [tenant.id],
        consignorId: ['c1'],
        variantId: ['v1', 'v2', 'v999'],
        orderId: ['o1', 'o7'],
        productId: ['p1'],
        kind: reconciliationKinds,
      },
    },
    runs,
  );
  expect(tally.count('inventory')).toBeGreaterThanOrEqual(runs);
}, 60_000);
