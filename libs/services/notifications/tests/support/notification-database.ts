import type { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { developmentKeyEncryptionKeys } from '@consign/personal-data';
import { createTemporaryDatabase, testEndpoints, type TemporaryDatabase } from '@consign/test-support';
import { notificationMigrations } from '@consign/notifications';

/** A fresh, migrated notification database for one test file; personal data sealed under the development KEK. */
export async function notificationDatabase(prefix: string): Promise<{ dataSource: DataSource; close(): Promise<void> }> {
  const database: TemporaryDatabase = await createTemporaryDatabase(testEndpoints().postgresServerUrl, prefix);
  const dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: notificationMigrations(developmentKeyEncryptionKeys),
    applicationName: 'notifications-test',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  return {
    dataSource,
    async close() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
