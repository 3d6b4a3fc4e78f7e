import { derivedMetadata, events, PlatformEvent } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { applyOrderUpdate, applyRefund, cancelOrder, escalateOverdueHolds, recordOrderPlaced, syncProduct } from '@consign/inventory';
import { InventoryDatabase, inventorySnapshot, openInventoryDatabase } from '../support/inventory-database';
import {
  LineInput,
  orderCancelled,
  orderCreated,
  orderUpdated,
  productUpserted,
  refund,
  refundCreated,
  tenantNamed,
} from '../support/inventory-events';

let db: InventoryDatabase;
let tenantCount = 0;

beforeAll(async () => {
  db = await openInventoryDatabase('consign_inventory_orders');
});

afterAll(async () => {
  await db?.drop();
});

/** Each test its own tenant with v1 (consignor c1, 1 unit), v2 (the store's, 5 units) and v3 (consignor c2, 3 units). */
async function stockedTenant(database: InventoryDatabase, tenant: Tenant = tenantNamed(`orders-${++tenantCount}`)): Promise<Tenant> {
  const products = [
    productUpserted(tenant.id, 'product-1', { id: 'p1', tags: ['consignor:c1'], variants: [{ id: 'v1', quantity: 1 }] }),
    productUpserted(tenant.id, 'product-2', { id: 'p2', variants: [{ id: 'v2', quantity: 5 }] }),
    productUpserted(tenant.id, 'product-3', { id: 'p3', tags: ['consignor:c2'], variants: [{ id: 'v3', quantity: 3 }] }),
  ];
  for (const product of products) await database.apply((manager) => syncProduct(manager, product, tenant));
  return tenant;
}

const lines: LineInput[] = [
  { id: 'l1', variantId: 'v1' },
  { id: 'l2', variantId: 'v2' },
  { id: 'l3', variantId: 'v3', quantity: 2 },
  { id: 'l5', variantId: null },
];

async function items(database: InventoryDatabase, tenantId: string) {
  return database.dataSource.query('SELECT variant_id, quantity, units_sold, status FROM items WHERE tenant_id = $1 ORDER BY variant_id', [
    tenantId,
  ]);
}

function summary(published: PlatformEvent[]) {
  return published.map(({ definition, value }) => ({
    type: definition.type,
    ...('lineItemId' in value ? { line: value.lineItemId } : {}),
    ...pick(value),
  }));
}

function pick(value: PlatformEvent['value']) {
  return {
    quantity: 'quantity' in value ? value.quantity : undefined,
    restocked: 'restocked' in value ? value.restocked : undefined,
  };
}

describe('recordOrderPlaced (real PostgreSQL)', () => {
  it('marks consignor lines sold, publishes one ItemSold each, and keeps the order', async () => {
    const tenant = await stockedTenant(db);
    const event = orderCreated(tenant.id, 'order-1', 'o1', lines);
    const published = await db.apply((manager) => recordOrderPlaced(manager, event));

    expect(published.map(({ definition }) => definition)).toEqual([events.itemSold, events.itemSold]);
    expect(published[0].value).toEqual({
      metadata: derivedMetadata(events.itemSold, event.metadata, { source: 'inventory-service', discriminator: 'l1' }),
      orderId: 'o1',
      lineItemId: 'l1',
      productId: 'p1',
      variantId: 'v1',
      inventoryItemId: 'inv-v1',
      sku: 'SKU-v1',
      consignorId: 'c1',
      quantity: 1,
      reason: 'order_placed',
    });
    expect(summary(published)).toEqual([
      { type: 'inventory.item.sold', line: 'l1', quantity: 1, restocked: undefined },
      { type: 'inventory.item.sold', line: 'l3', quantity: 2, restocked: undefined },
    ]);
    expect(await items(db, tenant.id)).toEqual([
      { variant_id: 'v1', quantity: 0, units_sold: 1, status: 'sold' },
      { variant_id: 'v2', quantity: 5, units_sold: 0, status: 'available' },
      { variant_id: 'v3', quantity: 1, units_sold: 2, status: 'available' },
    ]);
    expect(
      await db.dataSource.query(
        'SELECT line_item_id, variant_id, ownership, consignor_id, quantity_sold FROM order_lines WHERE tenant_id = $1 ORDER BY line_item_id',
        [tenant.id],
      ),
    ).toEqual([
      { line_item_id: 'l1', variant_id: 'v1', ownership: 'consignor', consignor_id: 'c1', quantity_sold: 1 },
      { line_item_id: 'l2', variant_id: 'v2', ownership: 'store', consignor_id: null, quantity_sold: 0 },
      { line_item_id: 'l3', variant_id: 'v3', ownership: 'consignor', consignor_id: 'c2', quantity_sold: 2 },
      { line_item_id: 'l5', variant_id: null, ownership: 'untracked', consignor_id: null, quantity_sold: 0 },
    ]);
    expect(
      await db.dataSource.query('SELECT order_id, order_name, state, total_minor::text AS total FROM orders WHERE tenant_id = $1', [
        tenant.id,
      ]),
    ).toEqual([{ order_id: 'o1', order_name: '#o1', state: 'received', total: '20000' }]);
    expect(
      await db.dataSource.query(
        `SELECT variant_id, source_event_id, order_id, line_item_id, delta, quantity_after FROM item_movements WHERE tenant_id = $1 AND cause = 'order_sold' ORDER BY variant_id`,
        [tenant.id],
      ),
    ).toEqual([
      { variant_id: 'v1', source_event_id: 'order-1', order_id: 'o1', line_item_id: 'l1', delta: -1, quantity_after: 0 },
      { variant_id: 'v3', source_event_id: 'order-1', order_id: 'o1', line_item_id: 'l3', delta: -2, quantity_after: 1 },
    ]);
  });

  it('the same order event twice: no change, no second ItemSold', async () => {
    const tenant = await stockedTenant(db);
    const event = orderCreated(tenant.id, 'order-1', 'o1', lines);
    await db.apply((manager) => recordOrderPlaced(manager, event));
    const before = await inventorySnapshot(db.dataSource, tenant.id);
    expect(await db.apply((manager) => recordOrderPlaced(manager, event))).toEqual([]);
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(before);
  });

  it('never takes a count below 0, and the item is then sold', async () => {
    const tenant = await stockedTenant(db);
    const published = await db.apply((manager) =>
      recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', [{ id: 'l1', variantId: 'v1', quantity: 3 }])),
    );
    expect(summary(published)).toEqual([{ type: 'inventory.item.sold', line: 'l1', quantity: 3, restocked: undefined }]);
    expect((await items(db, tenant.id))[0]).toEqual({ variant_id: 'v1', quantity: 0, units_sold: 3, status: 'sold' });
  });
});

describe('cancelOrder (real PostgreSQL)', () => {
  async function placedOrder() {
    const tenant = await stockedTenant(db);
    await db.apply((manager) => recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', lines)));
    return tenant;
  }

  it("releases every consignor line of a plain cancellation (Shopify's sample: no refunds, quantities unchanged), restocking nothing itself", async () => {
    const tenant = await placedOrder();
    const event = orderCancelled(tenant.id, 'cancel-1', 'o1', lines, { currentQuantities: { l1: 1, l2: 1, l3: 2, l5: 1 } });
    const published = await db.apply((manager) => cancelOrder(manager, event));
    expect(summary(published)).toEqual([
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', line: 'l3', quantity: 2, restocked: false },
    ]);
    expect(published[0].value).toMatchObject({
      metadata: derivedMetadata(events.itemReleased, event.metadata, { source: 'inventory-service', discriminator: 'l1:not_restocked' }),
      orderId: 'o1',
      consignorId: 'c1',
      reason: 'order_cancelled',
    });
    // Sold no more; the counts move when Shopify's inventory-level webhooks say it restocked.
    expect(await items(db, tenant.id)).toEqual([
      { variant_id: 'v1', quantity: 0, units_sold: 0, status: 'out_of_stock' },
      { variant_id: 'v2', quantity: 5, units_sold: 0, status: 'available' },
      { variant_id: 'v3', quantity: 1, units_sold: 0, status: 'available' },
    ]);
    expect(await db.dataSource.query('SELECT state, cancel_event_id, cancel_reason FROM orders WHERE tenant_id = $1', [tenant.id])).toEqual(
      [{ state: 'cancelled', cancel_event_id: 'cancel-1', cancel_reason: 'customer' }],
    );
    expect(
      await db.dataSource.query(
        `SELECT line_item_id, quantity_released, quantity_restocked FROM order_lines WHERE tenant_id = $1 AND quantity_sold > 0 ORDER BY line_item_id`,
        [tenant.id],
      ),
    ).toEqual([
      { line_item_id: 'l1', quantity_released: 1, quantity_restocked: 0 },
      { line_item_id: 'l3', quantity_released: 2, quantity_restocked: 0 },
    ]);
  });

  it('restocks what the refund lines of the cancellation say, by restock_type', async () => {
    const tenant = await placedOrder();
    const refunds = [
      refund('r1', [
        { lineItemId: 'l1', quantity: 1, restockType: 'no_restock' },
        { lineItemId: 'l3', quantity: 2, restockType: 'cancel' },
      ]),
    ];
    const published = await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines, { refunds })));
    expect(summary(published)).toEqual([
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', line: 'l3', quantity: 2, restocked: true },
    ]);
    expect(await items(db, tenant.id)).toEqual([
      { variant_id: 'v1', quantity: 0, units_sold: 0, status: 'out_of_stock' },
      { variant_id: 'v2', quantity: 5, units_sold: 0, status: 'available' },
      { variant_id: 'v3', quantity: 3, units_sold: 0, status: 'available' },
    ]);
    expect(
      await db.dataSource.query(
        `SELECT line_item_id, delta, quantity_after FROM item_movements WHERE tenant_id = $1 AND cause = 'order_cancelled' ORDER BY line_item_id`,
        [tenant.id],
      ),
    ).toEqual([
      { line_item_id: 'l1', delta: 0, quantity_after: 0 },
      { line_item_id: 'l3', delta: 2, quantity_after: 3 },
    ]);
  });

  it('a cancel without refunds, then again with refund lines: released once, restocked by the second', async () => {
    const tenant = await placedOrder();
    await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines)));
    const refunds = [
      refund('r1', [
        { lineItemId: 'l1', quantity: 1, restockType: 'cancel' },
        { lineItemId: 'l3', quantity: 2, restockType: 'cancel' },
      ]),
    ];
    const second = await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-2', 'o1', lines, { refunds })));
    expect(summary(second)).toEqual([
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: true },
      { type: 'inventory.item.released', line: 'l3', quantity: 2, restocked: true },
    ]);
    expect(
      await db.dataSource.query(
        `SELECT line_item_id, quantity_released, quantity_restocked FROM order_lines WHERE tenant_id = $1 AND quantity_sold > 0 ORDER BY line_item_id`,
        [tenant.id],
      ),
    ).toEqual([
      { line_item_id: 'l1', quantity_released: 1, quantity_restocked: 1 },
      { line_item_id: 'l3', quantity_released: 2, quantity_restocked: 2 },
    ]);
    expect((await items(db, tenant.id)).map((item: { quantity: number }) => item.quantity)).toEqual([1, 5, 3]);
    // Both again, and an orders/updated carrying the same refunds: nothing more.
    const before = await inventorySnapshot(db.dataSource, tenant.id);
    expect(await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines)))).toEqual([]);
    expect(await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-2', 'o1', lines, { refunds })))).toEqual([]);
    expect(await db.apply((manager) => applyOrderUpdate(manager, orderUpdated(tenant.id, 'update-1', 'o1', lines, { refunds })))).toEqual(
      [],
    );
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(before);
    expect(await db.dataSource.query('SELECT cancel_event_id FROM orders WHERE tenant_id = $1', [tenant.id])).toEqual([
      { cancel_event_id: 'cancel-1' },
    ]);
  });

  it('a partial refund (orders/updated), then the cancellation: the refund releases its units, the cancellation the rest', async () => {
    const tenant = await placedOrder();
    const partial = [refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }])];
    const refunded = await db.apply((manager) =>
      applyOrderUpdate(manager, orderUpdated(tenant.id, 'update-1', 'o1', lines, { refunds: partial })),
    );
    expect(summary(refunded)).toEqual([{ type: 'inventory.item.released', line: 'l3', quantity: 1, restocked: true }]);
    expect(refunded[0].value).toMatchObject({ reason: 'refunded' });
    const cancelled = await db.apply((manager) =>
      cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines, { refunds: partial })),
    );
    expect(summary(cancelled)).toEqual([
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', line: 'l3', quantity: 1, restocked: false },
    ]);
    expect(
      await db.dataSource.query(
        `SELECT line_item_id, quantity_released, quantity_restocked FROM order_lines WHERE tenant_id = $1 AND quantity_sold > 0 ORDER BY line_item_id`,
        [tenant.id],
      ),
    ).toEqual([
      { line_item_id: 'l1', quantity_released: 1, quantity_restocked: 0 },
      { line_item_id: 'l3', quantity_released: 2, quantity_restocked: 1 },
    ]);
    expect(
      await db.dataSource.query(
        `SELECT cause, line_item_id, delta FROM item_movements WHERE tenant_id = $1 AND cause IN ('order_refunded', 'order_cancelled') ORDER BY cause, line_item_id`,
        [tenant.id],
      ),
    ).toEqual([
      { cause: 'order_cancelled', line_item_id: 'l1', delta: 0 },
      { cause: 'order_cancelled', line_item_id: 'l3', delta: 0 },
      { cause: 'order_refunded', line_item_id: 'l3', delta: 1 },
    ]);
  });

  it('an update that takes nothing off any line changes nothing; one whose current quantity dropped releases the units', async () => {
    const tenant = await placedOrder();
    const before = await inventorySnapshot(db.dataSource, tenant.id);
    expect(await db.apply((manager) => applyOrderUpdate(manager, orderUpdated(tenant.id, 'update-1', 'o1', lines)))).toEqual([]);
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(before);
    const edited = await db.apply((manager) =>
      applyOrderUpdate(manager, orderUpdated(tenant.id, 'update-2', 'o1', lines, { currentQuantities: { l1: 1, l2: 1, l3: 1, l5: 1 } })),
    );
    expect(summary(edited)).toEqual([{ type: 'inventory.item.released', line: 'l3', quantity: 1, restocked: false }]);
  });

  it('refund lines that arrive before their order are released when it arrives', async () => {
    const tenant = await stockedTenant(db);
    const refunds = [refund('r1', [{ lineItemId: 'l1', quantity: 1, restockType: 'cancel' }])];
    expect(await db.apply((manager) => applyOrderUpdate(manager, orderUpdated(tenant.id, 'update-1', 'o1', lines, { refunds })))).toEqual(
      [],
    );
    const published = await db.apply((manager) => recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', lines)));
    expect(summary(published)).toEqual([
      { type: 'inventory.item.sold', line: 'l1', quantity: 1, restocked: undefined },
      { type: 'inventory.item.sold', line: 'l3', quantity: 2, restocked: undefined },
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: true },
    ]);
  });
});

describe('applyRefund: refunds/create (real PostgreSQL)', () => {
  // v3 (consignor c2) has 3 units: the order sells all of them on l3.
  const refundedLines: LineInput[] = [
    { id: 'l1', variantId: 'v1' },
    { id: 'l3', variantId: 'v3', quantity: 3 },
  ];
  const soldUnits = (tenantId: string) =>
    db.dataSource.query(
      `SELECT line_item_id, quantity_sold, quantity_released, quantity_restocked FROM order_lines WHERE tenant_id = $1 ORDER BY line_item_id`,
      [tenantId],
    );

  async function placedOrder() {
    const tenant = await stockedTenant(db);
    await db.apply((manager) => recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', refundedLines)));
    return tenant;
  }

  it('releases exactly the refunded units and restocks them when restock_type says so (1 of 3, return)', async () => {
    const tenant = await placedOrder();
    const event = refundCreated(tenant.id, 'refund-1', 'o1', refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }]));
    const published = await db.apply((manager) => applyRefund(manager, event));
    expect(summary(published)).toEqual([{ type: 'inventory.item.released', line: 'l3', quantity: 1, restocked: true }]);
    expect(published[0].value).toMatchObject({
      metadata: derivedMetadata(events.itemReleased, event.metadata, { source: 'inventory-service', discriminator: 'l3:restocked' }),
      orderId: 'o1',
      consignorId: 'c2',
      reason: 'refunded',
    });
    expect((await items(db, tenant.id))[2]).toEqual({ variant_id: 'v3', quantity: 1, units_sold: 2, status: 'available' });
    expect(await soldUnits(tenant.id)).toEqual([
      { line_item_id: 'l1', quantity_sold: 1, quantity_released: 0, quantity_restocked: 0 },
      { line_item_id: 'l3', quantity_sold: 3, quantity_released: 1, quantity_restocked: 1 },
    ]);
    expect(
      await db.dataSource.query(
        `SELECT source_event_id, line_item_id, delta FROM item_movements WHERE tenant_id = $1 AND cause = 'order_refunded'`,
        [tenant.id],
      ),
    ).toEqual([{ source_event_id: 'refund-1', line_item_id: 'l3', delta: 1 }]);
  });

  it('no_restock releases the units without putting them back in stock', async () => {
    const tenant = await placedOrder();
    const published = await db.apply((manager) =>
      applyRefund(
        manager,
        refundCreated(tenant.id, 'refund-1', 'o1', refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'no_restock' }])),
      ),
    );
    expect(summary(published)).toEqual([{ type: 'inventory.item.released', line: 'l3', quantity: 1, restocked: false }]);
    expect((await items(db, tenant.id))[2]).toEqual({ variant_id: 'v3', quantity: 0, units_sold: 2, status: 'sold' });
  });

  it('the same refund twice, then in orders/updated and orders/cancelled: its refund line counts once', async () => {
    const tenant = await placedOrder();
    const made = refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }]);
    const event = refundCreated(tenant.id, 'refund-1', 'o1', made);
    await db.apply((manager) => applyRefund(manager, event));
    const before = await inventorySnapshot(db.dataSource, tenant.id);
    expect(await db.apply((manager) => applyRefund(manager, event))).toEqual([]);
    expect(
      await db.apply((manager) => applyOrderUpdate(manager, orderUpdated(tenant.id, 'update-1', 'o1', refundedLines, { refunds: [made] }))),
    ).toEqual([]);
    expect(await inventorySnapshot(db.dataSource, tenant.id)).toEqual(before);
    // The cancellation voids the units left, without restocking the refunded one again.
    const cancelled = await db.apply((manager) =>
      cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', refundedLines, { refunds: [made] })),
    );
    expect(summary(cancelled)).toEqual([
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', line: 'l3', quantity: 2, restocked: false },
    ]);
    expect(await soldUnits(tenant.id)).toEqual([
      { line_item_id: 'l1', quantity_sold: 1, quantity_released: 1, quantity_restocked: 0 },
      { line_item_id: 'l3', quantity_sold: 3, quantity_released: 3, quantity_restocked: 1 },
    ]);
    expect((await items(db, tenant.id))[2]).toMatchObject({ variant_id: 'v3', quantity: 1, units_sold: 0 });
  });

  it('a refund that arrives before its order is applied when the order arrives', async () => {
    const tenant = await stockedTenant(db);
    expect(
      await db.apply((manager) =>
        applyRefund(
          manager,
          refundCreated(tenant.id, 'refund-1', 'o1', refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }])),
        ),
      ),
    ).toEqual([]);
    const published = await db.apply((manager) => recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', refundedLines)));
    expect(summary(published)).toEqual([
      { type: 'inventory.item.sold', line: 'l1', quantity: 1, restocked: undefined },
      { type: 'inventory.item.sold', line: 'l3', quantity: 3, restocked: undefined },
      { type: 'inventory.item.released', line: 'l3', quantity: 1, restocked: true },
    ]);
    expect((await items(db, tenant.id))[2]).toEqual({ variant_id: 'v3', quantity: 1, units_sold: 2, status: 'available' });
  });
});

describe('selling more than the item had', () => {
  it('sells it anyway, as Shopify did, and records the oversold units for reconciliation, once', async () => {
    const tenant = await stockedTenant(db);
    const oversold = orderCreated(tenant.id, 'order-over', 'o-over', [
      { id: 'l1', variantId: 'v1', quantity: 3 },
      { id: 'l3', variantId: 'v3', quantity: 3 },
    ]);
    await db.apply((manager) => recordOrderPlaced(manager, oversold));
    await db.apply((manager) => recordOrderPlaced(manager, oversold));
    expect(
      await db.dataSource.query(
        `SELECT kind, subject_id, order_id, detail FROM reconciliation_records WHERE tenant_id = $1 AND kind = 'item_oversold'`,
        [tenant.id],
      ),
    ).toEqual([
      {
        kind: 'item_oversold',
        subject_id: 'l1',
        order_id: 'o-over',
        detail: { variantId: 'v1', consignorId: 'c1', sku: 'SKU-v1', available: 1, sold: 3, oversoldUnits: 2 },
      },
    ]);
    expect((await items(db, tenant.id))[0]).toMatchObject({ variant_id: 'v1', quantity: 0, units_sold: 3 });
  });
});

describe('a cancellation that arrives before its order', () => {
  const byId = (a: PlatformEvent, b: PlatformEvent) => a.value.metadata.eventId.localeCompare(b.value.metadata.eventId);

  it('is held, then applied by the order: the same final state and events as creation then cancellation', async () => {
    const other = await openInventoryDatabase('consign_inventory_order_first');
    try {
      const tenant = tenantNamed('equivalence');
      await stockedTenant(db, tenant);
      await stockedTenant(other, tenant);
      const created = orderCreated(tenant.id, 'order-1', 'o1', lines);
      const cancelled = orderCancelled(tenant.id, 'cancel-1', 'o1', lines, { currentQuantities: { l1: 0, l3: 1 } });

      const heldFirst = [...(await db.apply((manager) => cancelOrder(manager, cancelled)))];
      expect(heldFirst).toEqual([]);
      expect(await db.dataSource.query('SELECT order_id, event_id FROM held_cancellations WHERE tenant_id = $1', [tenant.id])).toEqual([
        { order_id: 'o1', event_id: 'cancel-1' },
      ]);
      heldFirst.push(...(await db.apply((manager) => recordOrderPlaced(manager, created))));

      const orderFirst = [
        ...(await other.apply((manager) => recordOrderPlaced(manager, created))),
        ...(await other.apply((manager) => cancelOrder(manager, cancelled))),
      ];

      expect(summary(heldFirst)).toEqual([
        { type: 'inventory.item.sold', line: 'l1', quantity: 1, restocked: undefined },
        { type: 'inventory.item.sold', line: 'l3', quantity: 2, restocked: undefined },
        { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: false },
        { type: 'inventory.item.released', line: 'l3', quantity: 2, restocked: false },
      ]);
      expect([...heldFirst].sort(byId)).toEqual([...orderFirst].sort(byId));
      const snapshot = await inventorySnapshot(db.dataSource, tenant.id);
      expect(snapshot.held_cancellations).toEqual([]);
      expect(snapshot).toEqual(await inventorySnapshot(other.dataSource, tenant.id));
    } finally {
      await other.drop();
    }
  });

  it('several held cancellations void the order once, the earliest recorded as its cancellation', async () => {
    const tenant = await stockedTenant(db);
    const later = orderCancelled(tenant.id, 'cancel-b', 'o1', lines, { cancelledAt: '2026-01-04T10:00:00Z', currentQuantities: { l3: 0 } });
    const earliest = orderCancelled(tenant.id, 'cancel-a', 'o1', lines, {
      cancelledAt: '2026-01-03T10:00:00Z',
      currentQuantities: { l1: 0 },
    });
    await db.apply((manager) => cancelOrder(manager, later));
    await db.apply((manager) => cancelOrder(manager, earliest));
    const published = await db.apply((manager) => recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', lines)));
    expect(summary(published).filter(({ type }) => type === 'inventory.item.released')).toEqual([
      { type: 'inventory.item.released', line: 'l1', quantity: 1, restocked: false },
      { type: 'inventory.item.released', line: 'l3', quantity: 2, restocked: false },
    ]);
    expect(await db.dataSource.query('SELECT cancel_event_id FROM orders WHERE tenant_id = $1', [tenant.id])).toEqual([
      { cancel_event_id: 'cancel-a' },
    ]);
    expect(await db.dataSource.query('SELECT 1 FROM held_cancellations WHERE tenant_id = $1', [tenant.id])).toEqual([]);
  });

  it('held past the wait goes to reconciliation, once; the order arriving later still applies it and resolves the record', async () => {
    const tenant = await stockedTenant(db);
    await db.apply((manager) => cancelOrder(manager, orderCancelled(tenant.id, 'cancel-1', 'o1', lines)));
    expect(await db.apply((manager) => escalateOverdueHolds(manager, new Date(Date.now() - 60_000)))).toEqual({
      orders: 0,
      cancellations: 0,
      inventoryLevels: 0,
      published: [],
    });
    const open = `SELECT kind, source_event_id, subject_id, order_id, detail->>'cancelledAt' AS "cancelledAt" FROM reconciliation_records WHERE tenant_id = $1 AND resolved_at IS NULL`;
    expect(await db.dataSource.query(open, [tenant.id])).toEqual([]);

    expect(
      (await db.apply((manager) => escalateOverdueHolds(manager, new Date(Date.now() + 60_000)))).cancellations,
    ).toBeGreaterThanOrEqual(1);
    expect(await db.apply((manager) => escalateOverdueHolds(manager, new Date(Date.now() + 60_000)))).toEqual({
      orders: 0,
      cancellations: 0,
      inventoryLevels: 0,
      published: [],
    });
    expect(await db.dataSource.query(open, [tenant.id])).toEqual([
      {
        kind: 'cancellation_order_missing',
        source_event_id: 'cancel-1',
        subject_id: 'o1',
        order_id: 'o1',
        cancelledAt: '2026-01-03T10:00:00Z',
      },
    ]);

    const published = await db.apply((manager) => recordOrderPlaced(manager, orderCreated(tenant.id, 'order-1', 'o1', lines)));
    expect(summary(published).filter(({ type }) => type === 'inventory.item.released')).toHaveLength(2);
    expect(await db.dataSource.query(`SELECT state FROM orders WHERE tenant_id = $1`, [tenant.id])).toEqual([{ state: 'cancelled' }]);
    expect(await db.dataSource.query(open, [tenant.id])).toEqual([]);
  });
});
