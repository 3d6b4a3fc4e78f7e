import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, sampleOrderCreated, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { inventoryEntities, inventoryMigrations, recordOrderReceived } from '../index';

const event = sampleOrderCreated({ totalPrice: { amountMinor: 9_007_199_254_740_991, currency: 'USD' } });

describe('recordOrderReceived (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_inventory_test');
    dataSource = createServiceDataSource({ url: database.url, entities: inventoryEntities, migrations: inventoryMigrations, applicationName: 'inventory-test' });
    await dataSource.initialize();
    expect(await migrateDatabase(dataSource)).toEqual(['CreateProcessedEvents1764355100000', 'CreateReceivedOrders1764355200000']);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('migrations are applied once', async () => {
    expect(await migrateDatabase(dataSource)).toEqual([]);
  });

  it('stores an order once however often its event arrives', async () => {
    expect(await recordOrderReceived(dataSource.manager, event)).toBe(true);
    expect(await recordOrderReceived(dataSource.manager, event)).toBe(false);
    const rows = await dataSource.query('SELECT order_id, total_minor::text AS total FROM received_orders');
    expect(rows).toEqual([{ order_id: '820982911946154508', total: '9007199254740991' }]);
  });
});
