import { startTestServer, TestServer } from '@consign/test-support';
import {
  ClientEarningsReport,
  ConsignorEarningsReport,
  createEarningsReadRouter,
  EarningsExceptionView,
  escalateOverdueHolds,
  OrderEarningsReport,
} from '@consign/earnings';
import {
  EarningsTestDatabase,
  line,
  openEarningsDatabase,
  order,
  orderCancelled,
  orderCreated,
  orderPaid,
  consignorRegistered,
  productUpserted,
} from '../support/earnings-events';

describe('earnings read API (real PostgreSQL, real HTTP)', () => {
  let db: EarningsTestDatabase;
  let server: TestServer;
  let base: string;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
  const json = async <TBody>(path: string): Promise<TBody> => {
    const response = await get(path);
    expect(response.status).toBe(200);
    return (await response.json()) as TBody;
  };

  beforeAll(async () => {
    db = await openEarningsDatabase();
    const paidOrder = order('5001', [line('501', 'p-1', 1, 10_000, { title: 'Oak chair, "restored"' }), line('502', 'p-2', 2, 1500)], {
      createdAt: '2026-03-01T10:00:00Z',
    });
    const laterOrder = order('5002', [line('503', 'p-1', 1, 2000)], { createdAt: '2026-03-03T10:00:00Z' });
    const euroOrder = order('5003', [line('504', 'p-1', 1, 5000, { currency: 'EUR' })], {
      createdAt: '2026-03-03T11:00:00Z',
      totalPrice: { amountMinor: 5000, currency: 'EUR' },
    });
    for (const event of [
      consignorRegistered('reg-c1', 'c-1', 3000, '2026-01-01T00:00:00Z'),
      consignorRegistered('reg-c2', 'c-2', 5000, '2026-01-01T00:00:00Z'),
      productUpserted('prod-1', 'p-1', ['consignor:c-1'], '2026-01-02T00:00:00Z'),
      productUpserted('prod-2', 'p-2', ['consignor:c-2'], '2026-01-02T00:00:00Z'),
      orderCreated('create-5001', paidOrder),
      orderPaid('paid-5001', paidOrder, '2026-03-01T11:00:00Z'),
      orderCreated('create-5002', laterOrder),
      orderCancelled('cancel-5002', laterOrder, '2026-03-04T10:00:00Z', { '503': 0 }),
      orderCreated('create-5003', euroOrder),
      orderCreated('create-5004', order('5004', [line('505', 'p-ghost', 1, 100)])),
      orderCreated('create-5005', order('5005', [line('506', 'p-late', 1, 100)])),
    ]) {
      await db.apply(event);
    }
    // Both lines waited past the grace period; then 5005's product came, closing its exception.
    await db.dataSource.transaction((manager) => escalateOverdueHolds(manager, new Date(Date.now() + 1000)));
    await db.apply(productUpserted('prod-late', 'p-late', [], '2026-01-02T00:00:00Z'));

    server = await startTestServer('earnings-test', createEarningsReadRouter(db.dataSource));
    base = server.base;
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("answers a consignor's earned, pending, reversed and net per currency, with the entries", async () => {
    const report = await json<ConsignorEarningsReport>('/consignors/c-1/earnings?tenantId=dev-store');
    expect(report.totals).toEqual([
      { currency: 'EUR', earnedMinor: 0, pendingMinor: 3500, reversedMinor: 0, netMinor: 3500, grossMinor: 5000, storeShareMinor: 1500 },
      {
        currency: 'USD',
        earnedMinor: 7000,
        pendingMinor: 1400,
        reversedMinor: 1400,
        netMinor: 7000,
        grossMinor: 10_000,
        storeShareMinor: 3000,
      },
    ]);
    expect(report.entries.map((entry) => [entry.orderId, entry.type, entry.status])).toEqual([
      ['5001', 'sale', 'earned'],
      ['5002', 'sale', 'pending'],
      ['5003', 'sale', 'pending'],
      ['5002', 'reversal', 'pending'],
    ]);
  });

  it('limits the report to the period, in UTC days', async () => {
    const report = await json<ConsignorEarningsReport>('/consignors/c-1/earnings?tenantId=dev-store&from=2026-03-01&to=2026-03-01');
    expect(report.totals).toEqual([
      { currency: 'USD', earnedMinor: 7000, pendingMinor: 0, reversedMinor: 0, netMinor: 7000, grossMinor: 10_000, storeShareMinor: 3000 },
    ]);
    expect(report.entries).toHaveLength(1);
    expect(
      (await json<ConsignorEarningsReport>('/consignors/c-1/earnings?tenantId=dev-store&from=2026-03-04')).entries.map(
        (entry) => entry.type,
      ),
    ).toEqual(['reversal']);
  });

  it('answers the entries as CSV for ?format=csv and for Accept: text/csv', async () => {
    for (const response of [
      await get('/consignors/c-1/earnings?tenantId=dev-store&format=csv'),
      await get('/consignors/c-1/earnings?tenantId=dev-store', { accept: 'text/csv' }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const rows = (await response.text()).trimEnd().split('\r\n');
      expect(rows[0]).toBe(
        'entry_id,type,occurred_at,consignor_id,order_id,line_item_id,item_title,quantity,currency,gross_minor,commission_rate_basis_points,consignor_share_minor,store_share_minor,status,reverses_entry_id,reason',
      );
      expect(rows[1]).toMatch(
        /^[0-9a-f-]{36},sale,2026-03-01T10:00:00.000Z,c-1,5001,501,"Oak chair, ""restored""",1,USD,10000,3000,7000,3000,earned,,$/,
      );
      expect(rows).toHaveLength(5);
    }
  });

  it("answers a client's totals per consignor and currency", async () => {
    const report = await json<ClientEarningsReport>('/clients/dev-store/earnings?from=2026-03-01&to=2026-03-31');
    expect(report.consignors.map((row) => [row.consignorId, row.currency, row.netMinor])).toEqual([
      ['c-1', 'EUR', 3500],
      ['c-1', 'USD', 7000],
      ['c-2', 'USD', 1500],
    ]);
    expect(report.totals.map((row) => [row.currency, row.netMinor])).toEqual([
      ['EUR', 3500],
      ['USD', 8500],
    ]);
    const csv = await (await get('/clients/dev-store/earnings?format=csv')).text();
    expect(csv.split('\r\n').slice(0, 2)).toEqual([
      'consignor_id,currency,earned_minor,pending_minor,reversed_minor,net_minor,gross_minor,store_share_minor',
      'c-1,EUR,0,3500,0,3500,5000,1500',
    ]);
  });

  it("answers an order's entries, and 404 for an order never received", async () => {
    const report = await json<OrderEarningsReport>('/orders/5001/earnings?tenantId=dev-store');
    expect(report).toMatchObject({ orderId: '5001', orderName: '#5001', currency: 'USD', paid: true });
    expect(report.entries.map((entry) => [entry.lineItemId, entry.consignorShareMinor])).toEqual([
      ['501', 7000],
      ['502', 1500],
    ]);
    const missing = await get('/orders/9999/earnings?tenantId=dev-store');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(((await missing.json()) as { code: string }).code).toBe('earnings.order_not_found');
  });

  it('lists exceptions, filtered by kind, with when the resolved ones were resolved', async () => {
    const all = await json<{ exceptions: EarningsExceptionView[] }>('/exceptions?tenantId=dev-store');
    expect(
      all.exceptions.map((exception) => [exception.kind, exception.orderId, exception.resolvedAt === null ? 'open' : 'resolved']).sort(),
    ).toEqual([
      ['foreign_currency', '5003', 'open'],
      ['unknown_product', '5004', 'open'],
      ['unknown_product', '5005', 'resolved'],
    ]);
    const filtered = await json<{ exceptions: EarningsExceptionView[] }>('/exceptions?tenantId=dev-store&kind=foreign_currency');
    expect(filtered.exceptions).toEqual([
      expect.objectContaining({
        kind: 'foreign_currency',
        orderId: '5003',
        detail: { orderCurrency: 'EUR', tenantCurrency: 'USD', recordedIn: 'EUR' },
      }),
    ]);
    expect(
      (await get('/exceptions?tenantId=dev-store&kind=foreign_currency&format=csv').then((response) => response.text())).split('\r\n')[0],
    ).toBe('exception_id,kind,occurred_at,order_id,line_item_id,consignor_id,detail,cause_event_id,resolved_at');
  });

  it.each([
    ['/consignors/c-1/earnings', 'query parameter tenantId is required'],
    ['/consignors/c-1/earnings?tenantId=dev-store&from=2026-02-30', 'from must be a day, YYYY-MM-DD (UTC)'],
    ['/consignors/c-1/earnings?tenantId=dev-store&from=2026-03-02&to=2026-03-01', 'from must not be after to'],
    ['/clients/dev-store/earnings?format=xml', 'format must be json or csv'],
    ['/exceptions?tenantId=dev-store&tenantId=other', 'query parameter tenantId must be given once'],
    ['/exceptions?tenantId=dev-store&kind=weird', 'kind must be one of'],
  ])('refuses %s with a 400 problem', async (path, message) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe('earnings.invalid_query');
    expect(problem.detail).toContain(message);
  });
});
