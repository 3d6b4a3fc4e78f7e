import { startTestServer, TestServer } from '@consign/test-support';
import {
  applyInventoryLevel,
  cancelOrder,
  createInventoryReadRouter,
  escalateOverdueHolds,
  recordOrderPlaced,
  syncProduct,
} from '@consign/inventory';
import { InventoryDatabase, openInventoryDatabase } from '../support/inventory-database';
import { levelUpdated, orderCancelled, orderCreated, productUpserted, tenantNamed } from '../support/inventory-events';

let db: InventoryDatabase;
let server: TestServer;
let baseUrl: string;
const tenant = tenantNamed('read-api');

beforeAll(async () => {
  db = await openInventoryDatabase('consign_inventory_read');
  const products = [
    productUpserted(tenant.id, 'product-1', {
      id: 'p1',
      title: 'Jacket',
      tags: ['consignor:c1'],
      variants: [
        { id: 'v1', quantity: 1 },
        { id: 'v2', quantity: 2 },
      ],
    }),
    productUpserted(tenant.id, 'product-2', {
      id: 'p2',
      title: 'Old coat',
      status: 'archived',
      tags: ['consignor:c1'],
      variants: [{ id: 'v3', quantity: 4 }],
    }),
    productUpserted(tenant.id, 'product-3', { id: 'p3', title: 'House mug', variants: [{ id: 'v4', quantity: 9 }] }),
  ];
  for (const product of products) await db.apply((manager) => syncProduct(manager, product, tenant));
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
  await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'level-2', 'inv-v999', 2, '2026-01-04T00:00:00Z')));
  // Past the grace period: o1 is placed without v999 (line l9 listed for reconciliation), level-2 is listed and still held; what follows is not yet.
  await db.apply((manager) => escalateOverdueHolds(manager, new Date(Date.now() + 60_000)));
  await db.apply((manager) =>
    recordOrderPlaced(
      manager,
      orderCreated(tenant.id, 'order-8', 'o8', [
        { id: 'l80', variantId: 'v4' },
        { id: 'l81', variantId: 'v998' },
      ]),
    ),
  );
  await db.apply((manager) =>
    cancelOrder(
      manager,
      orderCancelled(tenant.id, 'cancel-8', 'o8', [
        { id: 'l80', variantId: 'v4' },
        { id: 'l81', variantId: 'v998' },
      ]),
    ),
  );
  await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-7', 'o7', [{ id: 'l70', variantId: 'v4' }])));

  server = await startTestServer('inventory-test', createInventoryReadRouter(db.dataSource));
  baseUrl = server.base;
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

async function get(path: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('inventory read API', () => {
  it.each(['/items', '/items/v1', '/availability', '/orders/o1', '/products/p1', '/reconciliation', '/held', '/items?tenantId='])(
    '%s without a tenantId is a 400 problem',
    async (path) => {
      const answer = await get(path);
      expect(answer.status).toBe(400);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'inventory.tenant_id_required' });
    },
  );

  it.each([
    ['/items/v404', 'inventory.item_not_found'],
    ['/orders/o404', 'inventory.order_not_found'],
    ['/products/p404', 'inventory.product_not_found'],
  ])('%s is a 404 problem for an unknown id', async (path, code) => {
    const answer = await get(`${path}?tenantId=${tenant.id}`);
    expect(answer.status).toBe(404);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code });
  });

  it('ids of another tenant are unknown', async () => {
    expect((await get('/products/p1?tenantId=other')).status).toBe(404);
  });

  it('GET /items lists a consignor items', async () => {
    const answer = await get(`/items?tenantId=${tenant.id}&consignorId=c1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ tenantId: tenant.id, consignorId: 'c1' });
    expect((answer.body.items as Array<Record<string, unknown>>).map((item) => [item.variantId, item.quantity, item.status])).toEqual([
      ['v1', 0, 'sold'],
      ['v2', 1, 'available'],
      ['v3', 4, 'archived'],
    ]);
    expect(((await get(`/items?tenantId=${tenant.id}`)).body.items as unknown[]).length).toBe(4);
  });

  it('GET /items/:variantId shows the item with its movement history', async () => {
    const answer = await get(`/items/v1?tenantId=${tenant.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      variantId: 'v1',
      productId: 'p1',
      inventoryItemId: 'inv-v1',
      sku: 'SKU-v1',
      productTitle: 'Jacket',
      consignorId: 'c1',
      quantity: 0,
      unitsSold: 1,
      status: 'sold',
    });
    expect(answer.body.movements).toEqual([
      expect.objectContaining({
        cause: 'product_sync',
        sourceEventId: 'product-1',
        orderId: null,
        delta: 1,
        quantityAfter: 1,
        occurredAt: '2026-01-01T09:00:00.000Z',
      }),
      expect.objectContaining({
        cause: 'order_sold',
        sourceEventId: 'order-1',
        orderId: 'o1',
        lineItemId: 'l1',
        delta: -1,
        quantityAfter: 0,
        occurredAt: '2026-01-02T10:00:00.000Z',
      }),
    ]);
  });

  it('GET /availability answers each item available units and status, with totals', async () => {
    const answer = await get(`/availability?tenantId=${tenant.id}&consignorId=c1`);
    expect(
      (answer.body.items as Array<Record<string, unknown>>).map((item) => [item.variantId, item.availableQuantity, item.status]),
    ).toEqual([
      ['v1', 0, 'sold'],
      ['v2', 1, 'available'],
      ['v3', 0, 'archived'],
    ]);
    expect(answer.body.totals).toEqual({ items: 3, availableUnits: 1, byStatus: { available: 1, out_of_stock: 0, sold: 1, archived: 1 } });
  });

  it('GET /orders/:orderId shows the order state and lines, or a held cancellation', async () => {
    const answer = await get(`/orders/o1?tenantId=${tenant.id}`);
    expect(answer.body).toMatchObject({
      orderId: 'o1',
      state: 'received',
      orderName: '#o1',
      totalMinor: 10000,
      currency: 'USD',
      placedAt: '2026-01-02T10:00:00.000Z',
      heldCancellations: [],
    });
    expect(answer.body.lines).toEqual([
      expect.objectContaining({
        lineItemId: 'l1',
        variantId: 'v1',
        ownership: 'consignor',
        consignorId: 'c1',
        quantitySold: 1,
        quantityReleased: 0,
      }),
      expect.objectContaining({ lineItemId: 'l9', variantId: 'v999', ownership: 'unknown_variant', quantitySold: 0 }),
    ]);
    const held = await get(`/orders/o7?tenantId=${tenant.id}`);
    expect(held.body).toMatchObject({
      orderId: 'o7',
      state: 'cancellation_held',
      lines: [],
      heldCancellations: [expect.objectContaining({ eventId: 'cancel-7', escalatedAt: null })],
    });
  });

  it('GET /products/:productId shows its items', async () => {
    const answer = await get(`/products/p1?tenantId=${tenant.id}`);
    expect(answer.body).toMatchObject({
      productId: 'p1',
      title: 'Jacket',
      status: 'active',
      consignorId: 'c1',
      versionAt: '2026-01-01T09:00:00.000Z',
    });
    expect((answer.body.items as Array<Record<string, unknown>>).map((item) => item.variantId)).toEqual(['v1', 'v2']);
  });

  it('GET /reconciliation lists open records, of one kind when asked', async () => {
    const all = await get(`/reconciliation?tenantId=${tenant.id}`);
    expect(all.body.records).toEqual([
      expect.objectContaining({ kind: 'inventory_item_unknown', subjectId: 'inv-v999', orderId: null, sourceEventId: 'level-2' }),
      expect.objectContaining({ kind: 'order_line_unknown_variant', subjectId: 'l9', orderId: 'o1', sourceEventId: 'order-1' }),
    ]);
    expect((await get(`/reconciliation?tenantId=${tenant.id}&kind=inventory_item_unknown`)).body.records).toEqual([
      expect.objectContaining({ subjectId: 'inv-v999' }),
    ]);
    expect((await get(`/reconciliation?tenantId=${tenant.id}&kind=cancellation_order_missing`)).body.records).toEqual([]);
    const wrong = await get(`/reconciliation?tenantId=${tenant.id}&kind=whatever`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'inventory.reconciliation_kind_unknown' });
  });

  it('GET /held lists what waits: orders with their events for their products, levels for their product, cancellations for their order', async () => {
    const answer = await get(`/held?tenantId=${tenant.id}`);
    expect(answer.status).toBe(200);
    const heldAt = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(answer.body).toEqual({
      tenantId: tenant.id,
      orders: [{ orderId: 'o8', eventCount: 2, awaitedVariantIds: ['v998'], heldAt }],
      inventoryLevels: [
        {
          inventoryItemId: 'inv-v999',
          sourceEventId: 'level-2',
          available: 2,
          updatedAt: '2026-01-04T00:00:00Z',
          heldAt,
          escalatedAt: heldAt,
        },
      ],
      cancellations: [{ orderId: 'o7', sourceEventId: 'cancel-7', heldAt, escalatedAt: null }],
    });
    expect((await get('/held?tenantId=other')).body).toEqual({ tenantId: 'other', orders: [], inventoryLevels: [], cancellations: [] });
  });
});
