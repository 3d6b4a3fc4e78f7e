import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyProductUpserted } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import {
  applyInventoryLevel,
  applyOrderUpdate,
  applyRefund,
  cancelOrder,
  escalateOverdueHolds,
  recordOrderPlaced,
  syncProduct,
} from '@consign/inventory';
import { InventoryDatabase, inventorySnapshot, openInventoryDatabase } from '../support/inventory-database';
import {
  LineInput,
  levelUpdated,
  orderCancelled,
  orderCreated,
  orderUpdated,
  productUpserted,
  refund,
  refundCreated,
  tenantNamed,
} from '../support/inventory-events';

/**
 * What names a variant or inventory item before the product sync that brings it (as a rebuild
 * from earliest often sees it: topics are consumed in parallel) waits for it, and then has the
 * effect it would have had in order. Each scenario runs in `db` in the early order and in `inOrder`
 * with the products first.
 */
let db: InventoryDatabase;
let inOrder: InventoryDatabase;
let tenantCount = 0;

beforeAll(async () => {
  db = await openInventoryDatabase('consign_inventory_held');
  inOrder = await openInventoryDatabase('consign_inventory_held_in_order');
});

afterAll(async () => {
  await db?.drop();
  await inOrder?.drop();
});

const nextTenant = (): Tenant => tenantNamed(`held-${++tenantCount}`);

/** v1 (consignor c1, 1 unit), v2 (the store's, 5 units), v3 (consignor c2, 3 units), as of 2026-01-01T09:00Z. */
function products(tenantId: string): ShopifyProductUpserted[] {
  return [
    productUpserted(tenantId, 'product-1', { id: 'p1', tags: ['consignor:c1'], variants: [{ id: 'v1', quantity: 1 }] }),
    productUpserted(tenantId, 'product-2', { id: 'p2', variants: [{ id: 'v2', quantity: 5 }] }),
    productUpserted(tenantId, 'product-3', { id: 'p3', tags: ['consignor:c2'], variants: [{ id: 'v3', quantity: 3 }] }),
  ];
}

const lines: LineInput[] = [
  { id: 'l1', variantId: 'v1' },
  { id: 'l2', variantId: 'v2' },
  { id: 'l3', variantId: 'v3', quantity: 2 },
  { id: 'l5', variantId: null },
];

/** One event's handler, run in its own transaction as the consumer does. */
type Step = (manager: EntityManager) => Promise<PlatformEvent[]>;

async function run(database: InventoryDatabase, steps: Step[]): Promise<PlatformEvent[]> {
  const published: PlatformEvent[] = [];
  for (const step of steps) published.push(...(await database.apply(step)));
  return published;
}

const productSteps = (tenant: Tenant, ofProducts = products(tenant.id)): Step[] =>
  ofProducts.map((product) => (manager) => syncProduct(manager, product, tenant));

/**
 * Runs the order's events before the products in `db`, then after them in `inOrder`: every
 * inventory table, and every event published (ids, causes and order included), must be the same.
 * Returns what the held events published once their products came.
 */
async function expectSameAsProductsFirst(tenant: Tenant, orderSteps: Step[], ofProducts = products(tenant.id)): Promise<PlatformEvent[]> {
  expect(await run(db, orderSteps)).toEqual([]);
  const early = await run(db, productSteps(tenant, ofProducts));
  const productsFirst = await run(inOrder, [...productSteps(tenant, ofProducts), ...orderSteps]);
  expect(early).toEqual(productsFirst);
  expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(await inventorySnapshot(inOrder.dataSource, tenant.id));
  return early;
}

function summary(published: PlatformEvent[]) {
  return published.map(({ definition, value }) => ({
    type: definition.type,
    cause: value.metadata.causationId,
    line: 'lineItemId' in value ? value.lineItemId : undefined,
    quantity: 'quantity' in value ? value.quantity : undefined,
    restocked: 'restocked' in value ? value.restocked : undefined,
  }));
}

async function items(database: InventoryDatabase, tenantId: string) {
  return database.dataSource.query('SELECT variant_id, quantity, units_sold, status FROM items WHERE tenant_id = $1 ORDER BY variant_id', [
    tenantId,
  ]);
}

async function heldOrders(tenantId: string) {
  return db.dataSource.query(
    `SELECT held.order_id, held.awaited_variant_ids, array_agg(event.event_id ORDER BY event.arrival) AS events
     FROM held_orders held JOIN held_order_events event USING (tenant_id, order_id)
     WHERE tenant_id = $1 GROUP BY held.order_id, held.awaited_variant_ids ORDER BY held.order_id`,
    [tenantId],
  );
}

async function openRecords(tenantId: string) {
  return db.dataSource.query(
    `SELECT kind, source_event_id, subject_id, order_id, detail - 'heldAt' AS detail
     FROM reconciliation_records WHERE tenant_id = $1 AND resolved_at IS NULL ORDER BY kind, subject_id`,
    [tenantId],
  );
}

const place =
  (tenantId: string, eventId = 'order-1', orderLines = lines): Step =>
  (manager) =>
    recordOrderPlaced(manager, orderCreated(tenantId, eventId, 'o1', orderLines));

describe('an order naming a variant not known yet', () => {
  it('is held whole, applying and recording nothing, until the last of its products: then as if they had come first', async () => {
    const tenant = nextTenant();
    const [first, second, third] = products(tenant.id);
    expect(await db.apply(place(tenant.id))).toEqual([]);
    expect(await heldOrders(tenant.id)).toEqual([{ order_id: 'o1', awaited_variant_ids: ['v1', 'v2', 'v3'], events: ['order-1'] }]);
    const held = await inventorySnapshot(db.dataSource, tenant.id);
    expect([held.orders, held.order_lines, held.item_movements, held.reconciliation_records]).toEqual([[], [], [], []]);

    expect(await run(db, productSteps(tenant, [first, second]))).toEqual([]);
    expect(await heldOrders(tenant.id)).toHaveLength(1);
    const published = await run(db, productSteps(tenant, [third]));
    expect(summary(published)).toEqual([
      { type: 'inventory.item.sold', cause: 'order-1', line: 'l1', quantity: 1, restocked: undefined },
      { type: 'inventory.item.sold', cause: 'order-1', line: 'l3', quantity: 2, restocked: undefined },
    ]);
    expect(published).toEqual(await run(inOrder, [...productSteps(tenant), place(tenant.id)]));
    expect(await heldOrders(tenant.id)).toEqual([]);
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(await inventorySnapshot(inOrder.dataSource, tenant.id));
  });

  it('with a refund and a cancellation held after it: each released by its own event, as in order', async () => {
    const tenant = nextTenant();
    const made = refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }]);
    const published = await expectSameAsProductsFirst(tenant, [
      place(tenant.id),
      (manager) => applyRefund(manager, refundCreated(tenant.id, 'refund-1', 'o1', made)),
      (manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines, { refunds: [made] })),
    ]);
    expect(summary(published)).toEqual([
      { type: 'inventory.item.sold', cause: 'order-1', line: 'l1', quantity: 1, restocked: undefined },
      { type: 'inventory.item.sold', cause: 'order-1', line: 'l3', quantity: 2, restocked: undefined },
      { type: 'inventory.item.released', cause: 'refund-1', line: 'l3', quantity: 1, restocked: true },
      { type: 'inventory.item.released', cause: 'cancel-1', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', cause: 'cancel-1', line: 'l3', quantity: 1, restocked: false },
    ]);
    expect(
      await db.dataSource.query(
        `SELECT cause, source_event_id, line_item_id, delta FROM item_movements WHERE tenant_id = $1 AND order_id = 'o1' ORDER BY id`,
        [tenant.id],
      ),
    ).toEqual([
      { cause: 'order_sold', source_event_id: 'order-1', line_item_id: 'l1', delta: -1 },
      { cause: 'order_sold', source_event_id: 'order-1', line_item_id: 'l3', delta: -2 },
      { cause: 'order_refunded', source_event_id: 'refund-1', line_item_id: 'l3', delta: 1 },
      { cause: 'order_cancelled', source_event_id: 'cancel-1', line_item_id: 'l1', delta: 0 },
      { cause: 'order_cancelled', source_event_id: 'cancel-1', line_item_id: 'l3', delta: 0 },
    ]);
  });

  it('with an orders/updated carrying refunds held after it: released by the update, as in order', async () => {
    const tenant = nextTenant();
    const refunds = [
      refund('r1', [
        { lineItemId: 'l3', quantity: 1, restockType: 'return' },
        { lineItemId: 'l1', quantity: 1, restockType: 'no_restock' },
      ]),
    ];
    const published = await expectSameAsProductsFirst(tenant, [
      place(tenant.id),
      (manager) =>
        applyOrderUpdate(
          manager,
          orderUpdated(tenant.id, 'update-1', 'o1', lines, { refunds, currentQuantities: { l1: 0, l2: 1, l3: 1, l5: 1 } }),
        ),
    ]);
    expect(summary(published).slice(2)).toEqual([
      { type: 'inventory.item.released', cause: 'update-1', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', cause: 'update-1', line: 'l3', quantity: 1, restocked: true },
    ]);
  });

  it('the same events again while held are held once, and change nothing more', async () => {
    const tenant = nextTenant();
    const refunded: Step = (manager) =>
      applyRefund(
        manager,
        refundCreated(tenant.id, 'refund-1', 'o1', refund('r1', [{ lineItemId: 'l1', quantity: 1, restockType: 'return' }])),
      );
    expect(await run(db, [place(tenant.id), refunded, refunded, place(tenant.id)])).toEqual([]);
    expect(await heldOrders(tenant.id)).toEqual([
      { order_id: 'o1', awaited_variant_ids: ['v1', 'v2', 'v3'], events: ['order-1', 'refund-1'] },
    ]);
    const early = await run(db, productSteps(tenant));
    expect(early).toEqual(await run(inOrder, [...productSteps(tenant), place(tenant.id), refunded, refunded, place(tenant.id)]));
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(await inventorySnapshot(inOrder.dataSource, tenant.id));
  });

  it('holds its lines of known variants too; the missing product places the whole order', async () => {
    const tenant = nextTenant();
    const [first, ...others] = products(tenant.id);
    await run(db, productSteps(tenant, others));
    await run(inOrder, productSteps(tenant, others));
    const published = await expectSameAsProductsFirst(tenant, [place(tenant.id)], [first]);
    expect(summary(published).map(({ line }) => line)).toEqual(['l1', 'l3']);
  });

  it('lines without a variant never hold an order', async () => {
    const tenant = nextTenant();
    expect(await db.apply(place(tenant.id, 'order-1', [{ id: 'l5', variantId: null }]))).toEqual([]);
    expect(await heldOrders(tenant.id)).toEqual([]);
    expect(
      await db.dataSource.query('SELECT order_id, line_item_id, ownership FROM order_lines WHERE tenant_id = $1', [tenant.id]),
    ).toEqual([{ order_id: 'o1', line_item_id: 'l5', ownership: 'untracked' }]);
  });

  it('a refund and a cancellation that came before the order itself are applied when the held order is', async () => {
    const tenant = nextTenant();
    const made = refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }]);
    const published = await expectSameAsProductsFirst(tenant, [
      (manager) => applyRefund(manager, refundCreated(tenant.id, 'refund-1', 'o1', made)),
      (manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines, { refunds: [made] })),
      place(tenant.id),
    ]);
    expect(summary(published).map(({ type, cause, line }) => [type, cause, line])).toEqual([
      ['inventory.item.sold', 'order-1', 'l1'],
      ['inventory.item.sold', 'order-1', 'l3'],
      ['inventory.item.released', 'cancel-1', 'l1'],
      ['inventory.item.released', 'cancel-1', 'l3'],
      ['inventory.item.released', 'cancel-1', 'l3'],
    ]);
  });

  it('replays change nothing: the products and the order again once applied', async () => {
    const tenant = nextTenant();
    await expectSameAsProductsFirst(tenant, [place(tenant.id)]);
    const applied = await inventorySnapshot(db.dataSource, tenant.id);
    expect(await run(db, [...productSteps(tenant), place(tenant.id)])).toEqual([]);
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(applied);
  });

  it('an event of a type inventory does not handle, found in a hold, fails the sync rather than being lost', async () => {
    const tenant = nextTenant();
    await db.apply(place(tenant.id, 'order-1', [{ id: 'l1', variantId: 'v1' }]));
    await db.dataSource.query(
      `INSERT INTO held_order_events (tenant_id, order_id, event_id, event_type, occurred_at, event) VALUES ($1, 'o1', 'paid-1', 'shopify.order.paid', now(), '{"metadata": {"eventId": "paid-1"}}')`,
      [tenant.id],
    );
    await expect(run(db, productSteps(tenant))).rejects.toThrow(
      'held order o1 has an event of type shopify.order.paid, which inventory does not handle',
    );
    expect(await heldOrders(tenant.id)).toHaveLength(1);
    await db.dataSource.query(`DELETE FROM held_order_events WHERE tenant_id = $1 AND event_id = 'paid-1'`, [tenant.id]);
  });
});

describe('a level update whose inventory item is not known yet', () => {
  const levels = (tenantId: string) => ({
    older: levelUpdated(tenantId, 'level-old', 'inv-v3', 9, '2025-12-31T00:00:00Z'),
    first: levelUpdated(tenantId, 'level-a', 'inv-v3', 7, '2026-01-03T00:00:00Z'),
    newest: levelUpdated(tenantId, 'level-b', 'inv-v3', 4, '2026-01-04T00:00:00Z'),
  });

  it('is held, recording nothing; the product applies the held levels in source-time order, as levels after the product', async () => {
    const tenant = nextTenant();
    const { older, first, newest } = levels(tenant.id);
    for (const level of [newest, older, first]) expect(await db.apply((manager) => applyInventoryLevel(manager, level))).toEqual([]);
    expect(
      await db.dataSource.query('SELECT inventory_item_id, event_id FROM held_inventory_levels WHERE tenant_id = $1 ORDER BY event_id', [
        tenant.id,
      ]),
    ).toEqual([
      { inventory_item_id: 'inv-v3', event_id: 'level-a' },
      { inventory_item_id: 'inv-v3', event_id: 'level-b' },
      { inventory_item_id: 'inv-v3', event_id: 'level-old' },
    ]);
    expect(await openRecords(tenant.id)).toEqual([]);

    expect(await run(db, productSteps(tenant))).toEqual([]);
    await run(inOrder, [
      ...productSteps(tenant),
      ...[older, first, newest].map(
        (level): Step =>
          (manager) =>
            applyInventoryLevel(manager, level),
      ),
    ]);

    expect((await items(db, tenant.id))[2]).toEqual({ variant_id: 'v3', quantity: 4, status: 'available', units_sold: 0 });
    expect(
      await db.dataSource.query(
        `SELECT source_event_id, delta, quantity_after FROM item_movements WHERE tenant_id = $1 AND variant_id = 'v3' ORDER BY id`,
        [tenant.id],
      ),
    ).toEqual([
      { source_event_id: 'product-3', delta: 3, quantity_after: 3 },
      { source_event_id: 'level-a', delta: 4, quantity_after: 7 },
      { source_event_id: 'level-b', delta: -3, quantity_after: 4 },
    ]);
    const snapshot = await inventorySnapshot(db.dataSource, tenant.id);
    expect(snapshot.held_inventory_levels).toEqual([]);
    expect(snapshot).toEqual(await inventorySnapshot(inOrder.dataSource, tenant.id));
  });

  it('held beside an order for the same product: each event applied at its own time, a level between an order and its refund', async () => {
    const tenant = nextTenant();
    const made = refund('r1', [{ lineItemId: 'l1', quantity: 1, restockType: 'return' }]);
    // Restocked to 3 the day before the order (10:00), which leaves 2; Shopify says 5 at noon; the refund (the day after) puts one back.
    const steps: Step[] = [
      (manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'level-1', 'inv-v1', 3, '2026-01-02T09:00:00Z')),
      place(tenant.id, 'order-1', [{ id: 'l1', variantId: 'v1' }]),
      (manager) => applyRefund(manager, refundCreated(tenant.id, 'refund-1', 'o1', made)),
      (manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'level-2', 'inv-v1', 5, '2026-01-02T12:00:00Z')),
    ];
    await run(db, steps);
    await run(db, productSteps(tenant));
    await run(inOrder, [...productSteps(tenant), steps[0], steps[1], steps[3], steps[2]]);
    expect((await items(db, tenant.id))[0]).toEqual({ variant_id: 'v1', quantity: 6, units_sold: 0, status: 'available' });
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(await inventorySnapshot(inOrder.dataSource, tenant.id));
  });

  it('the same level twice is held once', async () => {
    const tenant = nextTenant();
    const { first } = levels(tenant.id);
    await db.apply((manager) => applyInventoryLevel(manager, first));
    await db.apply((manager) => applyInventoryLevel(manager, first));
    expect(await db.dataSource.query('SELECT event_id FROM held_inventory_levels WHERE tenant_id = $1', [tenant.id])).toEqual([
      { event_id: 'level-a' },
    ]);
  });
});

describe('held past the grace period', () => {
  const past = () => new Date(Date.now() - 60_000);
  const future = () => new Date(Date.now() + 60_000);
  const ofTenant = (tenant: Tenant, published: PlatformEvent[]) => published.filter(({ value }) => value.metadata.tenantId === tenant.id);

  it('an order is placed with the events held after it, its lines of unknown variants recorded; it is never held again', async () => {
    const tenant = nextTenant();
    const [first, , third] = products(tenant.id);
    await run(db, productSteps(tenant, [first, third]));
    const orderLines = [
      { id: 'l1', variantId: 'v1' },
      { id: 'l3', variantId: 'v3', quantity: 2 },
      { id: 'l4', variantId: 'v404' },
    ];
    await db.apply(place(tenant.id, 'order-1', orderLines));
    await db.apply((manager) =>
      applyRefund(
        manager,
        refundCreated(tenant.id, 'refund-1', 'o1', refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }])),
      ),
    );

    expect((await db.apply((manager) => escalateOverdueHolds(manager, past()))).orders).toBe(0);
    expect(await heldOrders(tenant.id)).toHaveLength(1);
    const escalated = await db.apply((manager) => escalateOverdueHolds(manager, future()));
    expect(escalated.orders).toBeGreaterThanOrEqual(1);
    expect(summary(ofTenant(tenant, escalated.published))).toEqual([
      { type: 'inventory.item.sold', cause: 'order-1', line: 'l1', quantity: 1, restocked: undefined },
      { type: 'inventory.item.sold', cause: 'order-1', line: 'l3', quantity: 2, restocked: undefined },
      { type: 'inventory.item.released', cause: 'refund-1', line: 'l3', quantity: 1, restocked: true },
    ]);
    expect(await db.apply((manager) => escalateOverdueHolds(manager, future()))).toEqual({
      orders: 0,
      cancellations: 0,
      inventoryLevels: 0,
      published: [],
    });
    expect(await heldOrders(tenant.id)).toEqual([]);
    expect(
      await db.dataSource.query('SELECT line_item_id, ownership FROM order_lines WHERE tenant_id = $1 ORDER BY line_item_id', [tenant.id]),
    ).toEqual([
      { line_item_id: 'l1', ownership: 'consignor' },
      { line_item_id: 'l3', ownership: 'consignor' },
      { line_item_id: 'l4', ownership: 'unknown_variant' },
    ]);
    const unknownLine = {
      kind: 'order_line_unknown_variant',
      source_event_id: 'order-1',
      subject_id: 'l4',
      order_id: 'o1',
      detail: { variantId: 'v404', productId: null, sku: null, title: 'Line l4', quantity: 1 },
    };
    expect(await openRecords(tenant.id)).toEqual([unknownLine]);

    // Placed, the order is not held again: the same event changes nothing, a later one applies at once.
    const placed = await inventorySnapshot(db.dataSource, tenant.id);
    expect(await db.apply(place(tenant.id, 'order-1', orderLines))).toEqual([]);
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(placed);
    const cancelled = await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', orderLines)));
    expect(summary(cancelled).map(({ cause, line }) => [cause, line])).toEqual([
      ['cancel-1', 'l1'],
      ['cancel-1', 'l3'],
    ]);
    // Its product coming later leaves the line as it was placed, and the record open.
    expect(
      await db.apply((manager) =>
        syncProduct(
          manager,
          productUpserted(tenant.id, 'product-404', { id: 'p404', tags: ['consignor:c4'], variants: [{ id: 'v404' }] }),
          tenant,
        ),
      ),
    ).toEqual([]);
    expect(await openRecords(tenant.id)).toEqual([unknownLine]);
  });

  it('a cancellation that came before its order is not listed while the order waits for its products; placing the order applies it', async () => {
    const tenant = nextTenant();
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines)));
    await pause();
    const betweenTheHolds = new Date();
    await pause();
    await db.apply(place(tenant.id));

    await db.apply((manager) => escalateOverdueHolds(manager, betweenTheHolds));
    expect(await openRecords(tenant.id)).toEqual([]);
    expect(await db.dataSource.query('SELECT escalated_at FROM held_cancellations WHERE tenant_id = $1', [tenant.id])).toEqual([
      { escalated_at: null },
    ]);
    await db.apply((manager) => escalateOverdueHolds(manager, future()));
    expect(await db.dataSource.query('SELECT state, cancel_event_id FROM orders WHERE tenant_id = $1', [tenant.id])).toEqual([
      { state: 'cancelled', cancel_event_id: 'cancel-1' },
    ]);
    expect(await db.dataSource.query('SELECT 1 FROM held_cancellations WHERE tenant_id = $1', [tenant.id])).toEqual([]);
    expect((await openRecords(tenant.id)).map(({ kind }: { kind: string }) => kind)).toEqual([
      'order_line_unknown_variant',
      'order_line_unknown_variant',
      'order_line_unknown_variant',
    ]);
  });

  it('a level goes to reconciliation once, stays held, and is applied when its product comes, which resolves the record', async () => {
    const tenant = nextTenant();
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'level-1', 'inv-v1', 2, '2026-01-03T00:00:00Z')));
    await db.apply((manager) => escalateOverdueHolds(manager, past()));
    expect(await openRecords(tenant.id)).toEqual([]);

    expect((await db.apply((manager) => escalateOverdueHolds(manager, future()))).inventoryLevels).toBeGreaterThanOrEqual(1);
    expect((await db.apply((manager) => escalateOverdueHolds(manager, future()))).inventoryLevels).toBe(0);
    expect(await openRecords(tenant.id)).toEqual([
      {
        kind: 'inventory_item_unknown',
        source_event_id: 'level-1',
        subject_id: 'inv-v1',
        order_id: null,
        detail: { locationId: 'location-1', available: 2, updatedAt: '2026-01-03T00:00:00Z' },
      },
    ]);

    await run(db, productSteps(tenant));
    expect((await items(db, tenant.id))[0]).toEqual({ variant_id: 'v1', quantity: 2, units_sold: 0, status: 'available' });
    expect(await openRecords(tenant.id)).toEqual([]);
    expect((await inventorySnapshot(db.dataSource, tenant.id)).held_inventory_levels).toEqual([]);
  });
});

describe('an order or level and its product handled at the same time', () => {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 200));

  /** Runs `first` in a transaction left open while `second` starts, then commits it: returns what each gave. */
  async function overlapping<T>(first: (manager: EntityManager) => Promise<unknown>, second: () => Promise<T>): Promise<T> {
    const transaction = db.dataSource.createQueryRunner();
    await transaction.connect();
    try {
      await transaction.startTransaction();
      await first(transaction.manager);
      const pending = second();
      await pause();
      await transaction.commitTransaction();
      return await pending;
    } finally {
      await transaction.release();
    }
  }

  it('the product waits for the order being held, then places it', async () => {
    const tenant = nextTenant();
    const [product] = products(tenant.id);
    const synced = await overlapping(
      async (manager) =>
        expect(await recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', [{ id: 'l1', variantId: 'v1' }]))).toEqual([]),
      () => db.apply((manager) => syncProduct(manager, product, tenant)),
    );
    expect(summary(synced)).toEqual([{ type: 'inventory.item.sold', cause: 'order-1', line: 'l1', quantity: 1, restocked: undefined }]);
  });

  it('an event of the order waits for the product placing it, then applies to the placed order instead of being held', async () => {
    const tenant = nextTenant();
    const [product] = products(tenant.id);
    await db.apply(place(tenant.id, 'order-1', [{ id: 'l1', variantId: 'v1' }]));
    const cancelled = await overlapping(
      (manager) => syncProduct(manager, product, tenant),
      () => db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', [{ id: 'l1', variantId: 'v1' }]))),
    );
    expect(summary(cancelled)).toEqual([{ type: 'inventory.item.released', cause: 'cancel-1', line: 'l1', quantity: 1, restocked: false }]);
    expect(await db.dataSource.query('SELECT 1 FROM held_order_events WHERE tenant_id = $1', [tenant.id])).toEqual([]);
  });

  it('two products of one held order at the same time: the later sees the earlier, and places the order', async () => {
    const tenant = nextTenant();
    const [first, second] = products(tenant.id);
    await db.apply(
      place(tenant.id, 'order-1', [
        { id: 'l1', variantId: 'v1' },
        { id: 'l2', variantId: 'v2' },
      ]),
    );
    const synced = await overlapping(
      async (manager) => expect(await syncProduct(manager, first, tenant)).toEqual([]),
      () => db.apply((manager) => syncProduct(manager, second, tenant)),
    );
    expect(summary(synced)).toEqual([{ type: 'inventory.item.sold', cause: 'order-1', line: 'l1', quantity: 1, restocked: undefined }]);
  });

  it("a product placing a held order locks the order's items with its own, in one order: an order change locking them too does not deadlock", async () => {
    const tenant = nextTenant();
    await run(db, productSteps(tenant));
    await db.apply(
      place(tenant.id, 'order-1', [
        { id: 'l1', variantId: 'v1' },
        { id: 'l4', variantId: 'v4' },
      ]),
    );
    // p3 now has v4 too: placing o1 sells v1 besides v4, and p3's own items are v3 and v4.
    const withV4 = productUpserted(tenant.id, 'product-3b', {
      id: 'p3',
      tags: ['consignor:c2'],
      updatedAt: '2026-01-05T00:00:00Z',
      variants: [
        { id: 'v3', quantity: 3 },
        { id: 'v4', quantity: 1 },
      ],
    });
    const orderChange = db.dataSource.createQueryRunner();
    await orderChange.connect();
    try {
      // Another order's change holds v1 and will want v3 (items are locked in variant order).
      await orderChange.startTransaction();
      await orderChange.query(`SELECT 1 FROM items WHERE tenant_id = $1 AND variant_id = 'v1' FOR UPDATE`, [tenant.id]);
      const synced = db.apply((manager) => syncProduct(manager, withV4, tenant));
      await pause();
      await orderChange.query(`SET LOCAL lock_timeout = '2s'`);
      await orderChange.query(`SELECT 1 FROM items WHERE tenant_id = $1 AND variant_id = 'v3' FOR UPDATE`, [tenant.id]);
      await orderChange.commitTransaction();
      expect(summary(await synced).map(({ line }) => line)).toEqual(['l1', 'l4']);
    } finally {
      await orderChange.release();
    }
  });

  it('escalation locks the items of all the orders it places at once, in one order: an order change locking them too does not deadlock', async () => {
    const tenant = nextTenant();
    await run(db, productSteps(tenant));
    // o-a is placed first (same time, lower event id) and sells v3; o-b sells v1.
    await db.apply((manager) =>
      recordOrderPlaced(
        manager,
        orderCreated(tenant.id, 'order-a', 'o-a', [
          { id: 'la', variantId: 'v3' },
          { id: 'lx', variantId: 'v404' },
        ]),
      ),
    );
    await db.apply((manager) =>
      recordOrderPlaced(
        manager,
        orderCreated(tenant.id, 'order-b', 'o-b', [
          { id: 'lb', variantId: 'v1' },
          { id: 'ly', variantId: 'v405' },
        ]),
      ),
    );
    const orderChange = db.dataSource.createQueryRunner();
    await orderChange.connect();
    try {
      await orderChange.startTransaction();
      await orderChange.query(`SELECT 1 FROM items WHERE tenant_id = $1 AND variant_id = 'v1' FOR UPDATE`, [tenant.id]);
      const escalated = db.apply((manager) => escalateOverdueHolds(manager, new Date(Date.now() + 60_000)));
      await pause();
      await orderChange.query(`SET LOCAL lock_timeout = '2s'`);
      await orderChange.query(`SELECT 1 FROM items WHERE tenant_id = $1 AND variant_id = 'v3' FOR UPDATE`, [tenant.id]);
      await orderChange.commitTransaction();
      expect(
        summary((await escalated).published.filter(({ value }) => value.metadata.tenantId === tenant.id)).map(({ line }) => line),
      ).toEqual(['la', 'lb']);
    } finally {
      await orderChange.release();
    }
  });

  it('escalation leaves out an order a product sync is placing right now, without waiting for it', async () => {
    const tenant = nextTenant();
    const [product] = products(tenant.id);
    await db.apply(place(tenant.id, 'order-1', [{ id: 'l1', variantId: 'v1' }]));
    const productTransaction = db.dataSource.createQueryRunner();
    await productTransaction.connect();
    try {
      await productTransaction.startTransaction();
      expect(summary(await syncProduct(productTransaction.manager, product, tenant)).map(({ line }) => line)).toEqual(['l1']);
      const round = await db.apply(async (manager) => {
        await manager.query(`SET LOCAL lock_timeout = '1s'`);
        return escalateOverdueHolds(manager, new Date(Date.now() + 60_000));
      });
      expect(round.published.filter(({ value }) => value.metadata.tenantId === tenant.id)).toEqual([]);
      await productTransaction.commitTransaction();
    } finally {
      await productTransaction.release();
    }
  });

  it('a level waits for the product bringing its inventory item, then sets its count', async () => {
    const tenant = nextTenant();
    const [product] = products(tenant.id);
    await overlapping(
      (manager) => syncProduct(manager, product, tenant),
      () => db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'level-1', 'inv-v1', 4, '2026-01-03T00:00:00Z'))),
    );
    expect((await items(db, tenant.id))[0]).toMatchObject({ variant_id: 'v1', quantity: 4 });
    expect(await db.dataSource.query('SELECT 1 FROM held_inventory_levels WHERE tenant_id = $1', [tenant.id])).toEqual([]);
  });
});
