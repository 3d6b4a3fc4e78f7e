import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCreated } from '@consign/contracts';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { countStatements } from '@consign/test-support';
import {
  applyOrderUpdate,
  cancelOrder,
  handleInventoryEvent,
  recordOrderPlaced,
  recordOrdersPlaced,
  syncProduct,
} from '@consign/inventory';
import { InventoryDatabase, inventorySnapshot, openInventoryDatabase } from '../support/inventory-database';
import { LineInput, orderCancelled, orderCreated, orderUpdated, productUpserted, refund, tenantNamed } from '../support/inventory-events';

let oneByOne: InventoryDatabase;
let inRuns: InventoryDatabase;

beforeAll(async () => {
  [oneByOne, inRuns] = await Promise.all([
    openInventoryDatabase('consign_inventory_one_by_one'),
    openInventoryDatabase('consign_inventory_in_runs'),
  ]);
});

afterAll(async () => {
  await Promise.all([oneByOne?.drop(), inRuns?.drop()]);
});

/** v1 (consignor c1, 1 unit), v2 (the store's, 5 units), v3 (consignor c2, 3 units): the same variant ids in every tenant. */
async function stock(database: InventoryDatabase, tenant: Tenant): Promise<void> {
  const products = [
    productUpserted(tenant.id, `${tenant.id}-product-1`, { id: 'p1', tags: ['consignor:c1'], variants: [{ id: 'v1', quantity: 1 }] }),
    productUpserted(tenant.id, `${tenant.id}-product-2`, { id: 'p2', variants: [{ id: 'v2', quantity: 5 }] }),
    productUpserted(tenant.id, `${tenant.id}-product-3`, { id: 'p3', tags: ['consignor:c2'], variants: [{ id: 'v3', quantity: 3 }] }),
  ];
  for (const product of products) await database.apply((manager) => syncProduct(manager, product, tenant));
}

const lines: LineInput[] = [
  { id: 'l1', variantId: 'v1' },
  { id: 'l2', variantId: 'v2' },
  { id: 'l3', variantId: 'v3', quantity: 2 },
  { id: 'l5', variantId: null },
];

const counting = <T>(database: InventoryDatabase, handler: (manager: EntityManager) => Promise<T>) =>
  countStatements((work: (manager: EntityManager) => Promise<T>) => database.apply(work), handler);

describe('recordOrdersPlaced: a run of placed orders at once (real PostgreSQL)', () => {
  it('ends with the same state and events, in the same order, as recordOrderPlaced one by one', async () => {
    const [first, second] = [tenantNamed('run-a'), tenantNamed('run-b')];
    for (const database of [oneByOne, inRuns]) {
      for (const tenant of [first, second]) await stock(database, tenant);
      // What came before the run: an order kept, a cancellation and refund lines waiting for theirs.
      await database.apply((manager) =>
        recordOrderPlaced(manager, orderCreated(first.id, 'kept-1', 'o-kept', [{ id: 'l1', variantId: 'v2' }])),
      );
      await database.apply((manager) => cancelOrder(manager, orderCancelled(first.id, 'cancel-1', 'o-cancelled', lines)));
      const refunds = [refund('r1', [{ lineItemId: 'l3', quantity: 1, restockType: 'return' }])];
      await database.apply((manager) => applyOrderUpdate(manager, orderUpdated(first.id, 'update-1', 'o-refunded', lines, { refunds })));
    }
    const run: ShopifyOrderCreated[] = [
      orderCreated(first.id, 'order-1', 'o1', lines),
      // Another tenant's order of the same id and variant ids.
      orderCreated(second.id, 'order-2', 'o1', lines),
      // v1 is sold out by o1: oversold.
      orderCreated(first.id, 'order-3', 'o2', [{ id: 'l1', variantId: 'v1' }]),
      orderCreated(first.id, 'order-4', 'o-kept', [{ id: 'l1', variantId: 'v2' }]),
      orderCreated(first.id, 'order-5', 'o-cancelled', lines),
      // A variant no product sync has brought: held.
      orderCreated(first.id, 'order-6', 'o3', [
        { id: 'l1', variantId: 'v3' },
        { id: 'l2', variantId: 'v9' },
      ]),
      // The same order again under another event id: nothing more.
      orderCreated(first.id, 'order-7', 'o1', lines),
      orderCreated(first.id, 'order-8', 'o-refunded', lines),
      orderCreated(second.id, 'order-9', 'o4', [{ id: 'l1', variantId: 'v3', quantity: 5 }]),
      // After the orders applied on their own, the items are as they left them.
      orderCreated(first.id, 'order-10', 'o5', [
        { id: 'l1', variantId: 'v3' },
        { id: 'l2', variantId: 'v2', quantity: 2 },
      ]),
    ];

    const expected: PlatformEvent[] = [];
    // One by one through the service's dispatch table, as the app applies an event on its own.
    const tenants = new TenantDirectory([first, second]);
    const tenantOf = (tenantId: string) => tenants.requireById(tenantId);
    for (const event of run) expected.push(...(await oneByOne.apply((manager) => handleInventoryEvent(manager, event, tenantOf))));
    const published = await inRuns.apply((manager) => recordOrdersPlaced(manager, run));

    expect(published).toEqual(expected);
    for (const tenant of [first, second])
      expect(await inventorySnapshot(inRuns.dataSource, tenant.id)).toEqual(await inventorySnapshot(oneByOne.dataSource, tenant.id));
    // The cases the run covers did happen: oversold, held, the waiting cancellation and refund applied.
    const snapshot = await inventorySnapshot(inRuns.dataSource, first.id);
    expect(snapshot.reconciliation_records).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'item_oversold', order_id: 'o2' })]),
    );
    expect(snapshot.held_orders).toEqual([expect.objectContaining({ order_id: 'o3' })]);
    expect(snapshot.held_cancellations).toEqual([]);
    const released = published.filter(({ definition }) => definition.type === 'inventory.item.released');
    expect(released.map(({ value }) => ('reason' in value && 'orderId' in value ? `${value.orderId}:${value.reason}` : undefined))).toEqual(
      ['o-cancelled:order_cancelled', 'o-cancelled:order_cancelled', 'o-refunded:refunded'],
    );
  });

  it('writes a run of plain orders in the same few statements, whatever their number', async () => {
    const tenant = tenantNamed('run-statements');
    await stock(inRuns, tenant);
    const orders = (count: number, from: number) =>
      Array.from({ length: count }, (_, index) => orderCreated(tenant.id, `order-${from + index}`, `o${from + index}`, lines));
    // Both oversell (v1 has 1 unit), so both record for reconciliation too.
    const few = await counting(inRuns, (manager) => recordOrdersPlaced(manager, orders(3, 0)));
    const many = await counting(inRuns, (manager) => recordOrdersPlaced(manager, orders(100, 3)));
    expect(many.result).toHaveLength(200);
    expect(many.statements).toBe(few.statements);
    expect(many.statements).toBeLessThanOrEqual(8);
    expect(await inRuns.dataSource.query('SELECT count(*)::int AS orders FROM orders WHERE tenant_id = $1', [tenant.id])).toEqual([
      { orders: 103 },
    ]);
  });
});
