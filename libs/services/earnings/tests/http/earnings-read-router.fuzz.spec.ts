import { fuzzApi, FuzzTally, startGuardedServer, TestServer } from '@consign/test-support';
import { createEarningsReadRouter, earningsExceptionKinds, escalateOverdueHolds } from '@consign/earnings';
import {
  consignorRegistered,
  EarningsTestDatabase,
  line,
  openEarningsDatabase,
  order,
  orderCancelled,
  orderCreated,
  orderPaid,
  productUpserted,
} from '../support/earnings-events';

/**
 * The earnings read API behind the real key check, over a real database holding a few sales,
 * a reversal and an exception: generated requests never get a 5xx, and nothing without a key.
 */
const runs = 150;
const tally = new FuzzTally();
const startedAt = Date.now();
let db: EarningsTestDatabase;
let server: TestServer;

beforeAll(async () => {
  db = await openEarningsDatabase();
  const paid = order('5001', [line('501', 'p-1', 1, 10_000, { title: 'Oak chair, "restored"' }), line('502', 'p-2', 2, 1500)], {
    createdAt: '2026-03-01T10:00:00Z',
  });
  const cancelled = order('5002', [line('503', 'p-1', 1, 2000)], { createdAt: '2026-03-03T10:00:00Z' });
  for (const event of [
    consignorRegistered('reg-c1', 'c-1', 3000, '2026-01-01T00:00:00Z'),
    productUpserted('prod-1', 'p-1', ['consignor:c-1'], '2026-01-02T00:00:00Z'),
    orderCreated('create-5001', paid),
    orderPaid('paid-5001', paid, '2026-03-01T11:00:00Z'),
    orderCreated('create-5002', cancelled),
    orderCancelled('cancel-5002', cancelled, '2026-03-04T10:00:00Z', { '503': 0 }),
    orderCreated('create-5004', order('5004', [line('505', 'p-ghost', 1, 100)])),
  ]) {
    await db.apply(event);
  }
  // 5004's product never came: past the grace period, it is listed.
  await db.dataSource.transaction((manager) => escalateOverdueHolds(manager, new Date(Date.now() + 1000)));
  server = await startGuardedServer('earnings-service', (http) =>
    http.app.use(http.guard('read'), createEarningsReadRouter(db.dataSource)),
  );
});

afterAll(async () => {
  await server?.close();
  await db?.close();
  console.log(tally.summary('earnings read API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  await fuzzApi(
    tally,
    'earnings',
    server.base,
    {
      scopes: ['read'],
      routes: [
        { method: 'GET', path: '/consignors/:consignorId/earnings', query: ['tenantId', 'from', 'to', 'format'] },
        { method: 'GET', path: '/clients/:tenantId/earnings', query: ['from', 'to', 'format'] },
        { method: 'GET', path: '/orders/:orderId/earnings', query: ['tenantId', 'format'] },
        { method: 'GET', path: '/exceptions', query: ['tenantId', 'kind', 'format'] },
      ],
      knownValues: {
        consignorId: ['c-1', 'c-2'],
        tenantId: ['dev-store'],
        orderId: ['5001', '5002', '5004'],
        from: ['2026-03-01', '2026-03-04'],
        to: ['2026-03-04', '2026-02-29'],
        format: ['csv', 'json'],
        kind: earningsExceptionKinds,
      },
    },
    runs,
  );
  expect(tally.count('earnings')).toBeGreaterThanOrEqual(runs);
}, 60_000);
