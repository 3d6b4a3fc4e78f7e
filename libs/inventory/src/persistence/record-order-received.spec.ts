import { DataSource } from 'typeorm';
import { ShopifyOrderCreated } from '@consign/contracts';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { inventoryEntities, inventoryMigrations, recordOrderReceived } from '../index';

const event: ShopifyOrderCreated = {
  metadata: {
    eventId: '0b7e2a51-1f7c-5a0e-8d3b-4c2a9e6f1a10',
    eventType: 'shopify.order.created',
    schemaVersion: 1,
    occurredAt: Date.parse('2026-01-01T10:00:00Z'),
    receivedAt: Date.parse('2026-01-01T10:00:01Z'),
    source: 'shopify',
    tenantId: 'dev-store',
    shopifyWebhookId: 'w1',
    shopifyEventId: 'e1',
    svixMessageId: null,
    correlationId: 'c1',
    causationId: null,
  },
  order: {
    id: '820982911946154508',
    name: '#1001',
    createdAt: '2026-01-01T10:00:00Z',
    financialStatus: 'pending',
    customerId: null,
    totalPrice: { amountMinor: 9_007_199_254_740_991, currency: 'USD' },
    lineItems: [],
  },
};

describe('recordOrderReceived (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_inventory_test');
    dataSource = createServiceDataSource({ url: database.url, entities: inventoryEntities, migrations: inventoryMigrations, applicationName: 'inventory-test' });
    await dataSource.initialize();
    expect(await migrateDatabase(dataSource)).toEqual(['CreateReceivedOrders1764355200000']);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('migrations are applied once', async () => {
    expect(await migrateDatabase(dataSource)).toEqual([]);
  });

  it('stores an order once however often its event arrives', async () => {
    expect(await recordOrderReceived(dataSource, event)).toBe(true);
    expect(await recordOrderReceived(dataSource, event)).toBe(false);
    const rows = await dataSource.query('SELECT order_id, total_minor::text AS total FROM received_orders');
    expect(rows).toEqual([{ order_id: '820982911946154508', total: '9007199254740991' }]);
  });
});
