import { DataSource, EntityManager } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { inventoryMigrations } from '@consign/inventory';

export interface InventoryDatabase {
  dataSource: DataSource;
  /** Runs a handler in its own transaction, as the consumer does. */
  apply<T>(handler: (manager: EntityManager) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** A fresh, migrated inventory database on the real PostgreSQL. */
export async function openInventoryDatabase(prefix: string): Promise<InventoryDatabase> {
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, prefix);
  const dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: inventoryMigrations,
    applicationName: 'inventory-test',
  });
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

/** Bookkeeping of consuming and publishing, not inventory's state: compared through what handlers return. */
const bookkeepingTables = ['processed_events', 'outbox_events', 'schema_migrations'];
/** This database's own clock: only whether each is set belongs to the state. */
const clockColumns = ['recorded_at', 'held_at', 'escalated_at', 'resolved_at'];

/**
 * Everything a replay must rebuild identically, by table: every row of every inventory table the
 * tenant has, as a set, without this database's clock (only whether escalated_at and resolved_at
 * are set) and serial numbers.
 */
export async function inventorySnapshot(dataSource: DataSource, tenantId: string): Promise<Record<string, unknown[]>> {
  const columns: Array<{ table_name: string; column_name: string; serial: boolean }> = await dataSource.query(
    `SELECT table_name, column_name, (column_default LIKE 'nextval(%' OR is_identity = 'YES') AS serial
     FROM information_schema.columns
     WHERE table_schema = current_schema() AND NOT (table_name = ANY($1::text[]))
     ORDER BY table_name, ordinal_position`,
    [bookkeepingTables],
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const table of [...new Set(columns.map((column) => column.table_name))]) {
    const selected = columns
      .filter((column) => column.table_name === table && !column.serial)
      .map(({ column_name: name }) => (clockColumns.includes(name) ? `${name} IS NOT NULL AS ${name}` : name));
    snapshot[table] = await dataSource.query(
      `SELECT ${selected.join(', ')} FROM ${table} WHERE tenant_id = $1 ORDER BY ${selected.map((_, index) => index + 1).join(', ')}`,
      [tenantId],
    );
  }
  return snapshot;
}
