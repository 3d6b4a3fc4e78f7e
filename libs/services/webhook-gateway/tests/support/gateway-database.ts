import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { gatewayMigrations } from '@consign/webhook-gateway';

export interface GatewayDatabase {
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh, migrated gateway database on the real PostgreSQL, for one test file. */
export async function openGatewayDatabase(prefix: string): Promise<GatewayDatabase> {
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, prefix);
  const dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: gatewayMigrations,
    applicationName: 'gateway-test',
    synchronousCommit: false,
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  return {
    dataSource,
    async drop() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
