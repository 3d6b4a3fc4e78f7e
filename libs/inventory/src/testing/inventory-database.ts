import { DataSource, EntityManager } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { inventoryEntities, inventoryMigrations } from '../index';

export interface InventoryDatabase {
  dataSource: DataSource;
  /** Runs a handler in its own transaction, as the consumer does. */
  apply<T>(handler: (manager: EntityManager) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** A fresh, migrated inventory database on the real PostgreSQL. */
export async function openInventoryDatabase(prefix: string): Promise<InventoryDatabase> {
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, prefix);
  const dataSource = createServiceDataSource({ url: database.url, tls: { mode: 'disable' }, entities: inventoryEntities, migrations: inventoryMigrations, applicationName: 'inventory-test' });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  return {
    dataSource,
    apply: (handler) => dataSource.transaction(handler),
    async drop() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** Everything a replay must rebuild identically: every row but this database's own clock and serial ids. */
export async function inventorySnapshot(dataSource: DataSource, tenantId: string): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    products: 'SELECT * FROM products WHERE tenant_id = $1 ORDER BY product_id',
    items: 'SELECT * FROM items WHERE tenant_id = $1 ORDER BY variant_id',
    movements: `SELECT tenant_id, variant_id, cause, source_event_id, order_id, line_item_id, delta, quantity_after, occurred_at
                FROM item_movements WHERE tenant_id = $1 ORDER BY variant_id, source_event_id, line_item_id`,
    orders: 'SELECT * FROM orders WHERE tenant_id = $1 ORDER BY order_id',
    orderLines: 'SELECT * FROM order_lines WHERE tenant_id = $1 ORDER BY order_id, line_item_id',
    heldCancellations: 'SELECT tenant_id, order_id, event_id FROM held_cancellations WHERE tenant_id = $1 ORDER BY order_id, event_id',
    reconciliation: `SELECT tenant_id, kind, source_event_id, subject_id, order_id, detail, resolved_at IS NOT NULL AS resolved
                     FROM reconciliation_records WHERE tenant_id = $1 ORDER BY kind, source_event_id, subject_id`,
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) snapshot[name] = await dataSource.query(sql, [tenantId]);
  return snapshot;
}
