import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { applyInventoryLevel, inventoryMigrations, syncProduct } from '@consign/inventory';
import { InventoryDatabase, openInventoryDatabase } from '../support/inventory-database';
import { levelUpdated, productUpserted, tenantNamed } from '../support/inventory-events';

let db: InventoryDatabase;
let tenantCount = 0;
/** Each test its own tenant: the handlers scope everything by tenant. */
const nextTenant = () => tenantNamed(`products-${++tenantCount}`);

beforeAll(async () => {
  db = await openInventoryDatabase('consign_inventory_products');
});

afterAll(async () => {
  await db?.drop();
});

async function item(tenantId: string, variantId: string) {
  const [row] = await db.dataSource.query(
    `SELECT product_id, inventory_item_id, sku, product_title, consignor_id, product_status, quantity, units_sold, status
     FROM items WHERE tenant_id = $1 AND variant_id = $2`,
    [tenantId, variantId],
  );
  return row;
}

async function movements(tenantId: string) {
  return db.dataSource.query(
    'SELECT variant_id, cause, source_event_id, delta, quantity_after FROM item_movements WHERE tenant_id = $1 ORDER BY id',
    [tenantId],
  );
}

async function reconciliation(tenantId: string) {
  return db.dataSource.query(
    'SELECT kind, source_event_id, subject_id, order_id, detail FROM reconciliation_records WHERE tenant_id = $1',
    [tenantId],
  );
}

describe('migrations', () => {
  it('the list starts with processed events and the outbox, and is applied once', async () => {
    expect(inventoryMigrations.map((migration) => migration.name)).toEqual([
      'CreateProcessedEvents1764355100000',
      'CreateOutboxEvents1764355150000',
      'CreateInventory1764356000000',
      'KeepRefundLines1764356100000',
      'HoldEarlyEvents1764356200000',
    ]);
    expect(await migrateDatabase(db.dataSource)).toEqual([]);
  });

  it('drops the received_orders table of the first example, which orders replaces', async () => {
    const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_inventory_upgrade');
    const dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: inventoryMigrations,
      applicationName: 'inventory-test',
    });
    try {
      await dataSource.initialize();
      await dataSource.query('CREATE TABLE received_orders (event_id uuid PRIMARY KEY)');
      await migrateDatabase(dataSource);
      expect(await dataSource.query(`SELECT to_regclass('received_orders') AS "table"`)).toEqual([{ table: null }]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});

describe('syncProduct (real PostgreSQL)', () => {
  it('upserts one item per variant, with the consignor from the tags, and records the counts set', async () => {
    const tenant = nextTenant();
    const event = productUpserted(tenant.id, 'p-1', {
      id: 'p1',
      tags: ['consignor:c7'],
      variants: [
        { id: 'v1', quantity: 1 },
        { id: 'v2', quantity: 0 },
      ],
    });
    expect(await db.apply((manager) => syncProduct(manager, event, tenant))).toEqual([]);
    expect(await item(tenant.id, 'v1')).toEqual({
      product_id: 'p1',
      inventory_item_id: 'inv-v1',
      sku: 'SKU-v1',
      product_title: 'Product p1',
      consignor_id: 'c7',
      product_status: 'active',
      quantity: 1,
      units_sold: 0,
      status: 'available',
    });
    expect(await item(tenant.id, 'v2')).toMatchObject({ quantity: 0, status: 'out_of_stock' });
    expect(await movements(tenant.id)).toEqual([
      { variant_id: 'v1', cause: 'product_sync', source_event_id: 'p-1', delta: 1, quantity_after: 1 },
    ]);
  });

  it('a product without a consignor tag is the store own', async () => {
    const tenant = nextTenant();
    await db.apply((manager) =>
      syncProduct(manager, productUpserted(tenant.id, 'p-1', { id: 'p1', tags: ['sale'], variants: [{ id: 'v1' }] }), tenant),
    );
    expect(await item(tenant.id, 'v1')).toMatchObject({ consignor_id: null });
  });

  it('the same event twice changes nothing', async () => {
    const tenant = nextTenant();
    const event = productUpserted(tenant.id, 'p-1', { id: 'p1', variants: [{ id: 'v1', quantity: 2 }] });
    await db.apply((manager) => syncProduct(manager, event, tenant));
    await db.dataSource.query('UPDATE items SET quantity = 0 WHERE tenant_id = $1', [tenant.id]);
    await db.apply((manager) => syncProduct(manager, event, tenant));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 0 });
    expect(await movements(tenant.id)).toHaveLength(1);
  });

  it('applies a newer update and ignores one Shopify dated before the applied one', async () => {
    const tenant = nextTenant();
    const newer = productUpserted(tenant.id, 'p-2', {
      id: 'p1',
      title: 'New',
      status: 'archived',
      tags: ['consignor:c2'],
      updatedAt: '2026-01-05T00:00:00Z',
      variants: [{ id: 'v1', quantity: 4 }],
    });
    const older = productUpserted(tenant.id, 'p-1', {
      id: 'p1',
      title: 'Old',
      tags: ['consignor:c1'],
      updatedAt: '2026-01-04T00:00:00Z',
      variants: [{ id: 'v1', quantity: 9 }],
    });
    await db.apply((manager) =>
      syncProduct(
        manager,
        productUpserted(tenant.id, 'p-0', { id: 'p1', updatedAt: '2026-01-03T00:00:00Z', variants: [{ id: 'v1' }] }),
        tenant,
      ),
    );
    await db.apply((manager) => syncProduct(manager, newer, tenant));
    await db.apply((manager) => syncProduct(manager, older, tenant));
    expect(await item(tenant.id, 'v1')).toMatchObject({
      product_title: 'New',
      consignor_id: 'c2',
      product_status: 'archived',
      quantity: 4,
      status: 'archived',
    });
  });

  it('an update without a count keeps the known count', async () => {
    const tenant = nextTenant();
    await db.apply((manager) =>
      syncProduct(
        manager,
        productUpserted(tenant.id, 'p-1', { id: 'p1', updatedAt: '2026-01-03T00:00:00Z', variants: [{ id: 'v1', quantity: 3 }] }),
        tenant,
      ),
    );
    await db.apply((manager) =>
      syncProduct(
        manager,
        productUpserted(tenant.id, 'p-2', { id: 'p1', updatedAt: '2026-01-04T00:00:00Z', variants: [{ id: 'v1', quantity: null }] }),
        tenant,
      ),
    );
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 3 });
  });
});

describe('applyInventoryLevel (real PostgreSQL)', () => {
  async function productWith(tenant: ReturnType<typeof nextTenant>, quantity: number, status = 'active') {
    await db.apply((manager) =>
      syncProduct(
        manager,
        productUpserted(tenant.id, 'p-1', {
          id: 'p1',
          status,
          tags: ['consignor:c1'],
          updatedAt: '2026-01-01T00:00:00Z',
          variants: [{ id: 'v1', quantity }],
        }),
        tenant,
      ),
    );
  }

  it('an unknown inventory item is held for its product, once: not an error, nothing for reconciliation yet', async () => {
    const tenant = nextTenant();
    const event = levelUpdated(tenant.id, 'l-1', 'inv-unknown', 3, '2026-01-02T00:00:00Z');
    expect(await db.apply((manager) => applyInventoryLevel(manager, event))).toEqual([]);
    await db.apply((manager) => applyInventoryLevel(manager, event));
    expect(
      await db.dataSource.query('SELECT inventory_item_id, event_id, event FROM held_inventory_levels WHERE tenant_id = $1', [tenant.id]),
    ).toEqual([{ inventory_item_id: 'inv-unknown', event_id: 'l-1', event: JSON.parse(JSON.stringify(event)) }]);
    expect(await reconciliation(tenant.id)).toEqual([]);
  });

  it('sets the count and status of the known item and records the movement', async () => {
    const tenant = nextTenant();
    await productWith(tenant, 1);
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'l-1', 'inv-v1', 0, '2026-01-02T00:00:00Z')));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 0, status: 'out_of_stock' });
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'l-2', 'inv-v1', 5, '2026-01-03T00:00:00Z')));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 5, status: 'available' });
    expect((await movements(tenant.id)).slice(1)).toEqual([
      { variant_id: 'v1', cause: 'level_update', source_event_id: 'l-1', delta: -1, quantity_after: 0 },
      { variant_id: 'v1', cause: 'level_update', source_event_id: 'l-2', delta: 5, quantity_after: 5 },
    ]);
  });

  it('ignores an update older than the applied one, and the same update again', async () => {
    const tenant = nextTenant();
    await productWith(tenant, 1);
    const level = levelUpdated(tenant.id, 'l-2', 'inv-v1', 4, '2026-01-03T00:00:00Z');
    await db.apply((manager) => applyInventoryLevel(manager, level));
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'l-1', 'inv-v1', 9, '2026-01-02T00:00:00Z')));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 4 });
    await db.dataSource.query('UPDATE items SET quantity = 2 WHERE tenant_id = $1', [tenant.id]);
    await db.apply((manager) => applyInventoryLevel(manager, level));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 2 });
  });

  it('a product count older than an applied level does not override it', async () => {
    const tenant = nextTenant();
    await productWith(tenant, 1);
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'l-1', 'inv-v1', 6, '2026-01-03T00:00:00Z')));
    await db.apply((manager) =>
      syncProduct(
        manager,
        productUpserted(tenant.id, 'p-2', {
          id: 'p1',
          tags: ['consignor:c1'],
          updatedAt: '2026-01-02T00:00:00Z',
          variants: [{ id: 'v1', quantity: 1 }],
        }),
        tenant,
      ),
    );
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 6 });
  });

  it('an untracked (null) level keeps the count', async () => {
    const tenant = nextTenant();
    await productWith(tenant, 2);
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'l-1', 'inv-v1', null, '2026-01-02T00:00:00Z')));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 2, status: 'available' });
  });

  it('an archived product stays archived whatever its level', async () => {
    const tenant = nextTenant();
    await productWith(tenant, 0, 'archived');
    await db.apply((manager) => applyInventoryLevel(manager, levelUpdated(tenant.id, 'l-1', 'inv-v1', 3, '2026-01-02T00:00:00Z')));
    expect(await item(tenant.id, 'v1')).toMatchObject({ quantity: 3, status: 'archived' });
  });
});
