import { DataSource } from 'typeorm';
import { Client } from 'pg';
import type { DatabaseTls } from '@consign/config';
import { createServiceDataSource, migrateDatabase, postgresSsl, ServiceDatabaseOptions } from '@consign/database';

type MigrationList = ServiceDatabaseOptions['migrations'];
import { CreateOperatorActions1764360000000 } from './migrations/1764360000000-create-operator-actions';
import { CreateRedrivenDeadLetters1764360010000 } from './migrations/1764360010000-create-redriven-dead-letters';
import { AddOperatorActionApps1764360020000 } from './migrations/1764360020000-add-operator-action-apps';
import { CreateWebhookReplayJobs1764360030000 } from './migrations/1764360030000-create-webhook-replay-jobs';

/**
 * The audit log's, the redrive log's and the replay jobs' migrations. They live in the operations
 * database, the reconciler's, whose one migration list (reconciliationMigrations) includes them.
 */
export const operationsMigrations = [
  CreateOperatorActions1764360000000,
  CreateRedrivenDeadLetters1764360010000,
  AddOperatorActionApps1764360020000,
  CreateWebhookReplayJobs1764360030000,
];

/**
 * Opens the operations database, creating it and applying `migrations` when missing, so the
 * operator tools work before the reconciler ever started. The caller passes the database's one
 * migration list (the reconciler's), so whichever starts first leaves the same schema.
 */
export async function openOperationsDatabase(
  connection: { url: string; tls: DatabaseTls },
  migrations: MigrationList,
  applicationName = 'ops-cli',
): Promise<DataSource> {
  await createDatabaseIfMissing(connection);
  const dataSource = createServiceDataSource({ ...connection, migrations, applicationName, poolSize: 2 });
  await dataSource.initialize();
  try {
    await migrateDatabase(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function createDatabaseIfMissing({ url, tls }: { url: string; tls: DatabaseTls }): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString(), ssl: postgresSsl(tls) });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (error) {
      // Another operator created it at the same moment.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  } finally {
    await client.end();
  }
}
