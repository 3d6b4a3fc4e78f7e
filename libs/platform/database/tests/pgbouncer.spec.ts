import { Client, Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { createTemporaryDatabase, PgBouncer, startPgBouncer, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { createServiceDataSource, migrateDatabase, runPrepared } from '@consign/database';

/**
 * The service database behind a real PgBouncer in transaction pooling mode, two server connections
 * per database: a client's statements land on whichever server connection is free, so anything a
 * session keeps (startup parameters, prepared statements) is missing or foreign on the next one.
 */
let bouncer: PgBouncer;
let database: TemporaryDatabase;
const dataSources: DataSource[] = [];

async function open(url: string, options: { poolSize?: number; synchronousCommit?: boolean } = {}): Promise<DataSource> {
  const dataSource = createServiceDataSource({
    url,
    tls: { mode: 'disable' },
    migrations: [],
    applicationName: 'database-pgbouncer-test',
    ...options,
  });
  dataSources.push(dataSource);
  await dataSource.initialize();
  return dataSource;
}

async function setting(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
  } finally {
    await client.end();
  }
}

const poolOf = (dataSource: DataSource): Pool => (dataSource.driver as unknown as { master: Pool }).master;
const doubled = { name: 'test-doubled', text: 'SELECT $1::int * 2 AS doubled' };

beforeAll(async () => {
  bouncer = await startPgBouncer({ poolSize: 2 });
});

afterAll(async () => {
  await bouncer?.stop();
});

beforeEach(async () => {
  // A database of its own gives each test fresh PgBouncer pools: no server connection yet.
  database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_pgbouncer_test');
});

afterEach(async () => {
  await Promise.all(dataSources.splice(0).map((dataSource) => (dataSource.isInitialized ? dataSource.destroy() : undefined)));
  await database.drop();
});

describe('service database behind a transaction-pooling PgBouncer (real PgBouncer and PostgreSQL)', () => {
  it('runs a prepared statement whose server connection changed since it was prepared', async () => {
    const dataSource = await open(bouncer.urlOf(database.name), { poolSize: 1 });
    expect(await runPrepared(dataSource, doubled, [21])).toEqual([{ doubled: 42 }]);
    // Another client's transaction holds the server connection the statement was prepared on,
    // so the next run lands on a new one, which never heard of it.
    const other = new Client({ connectionString: bouncer.urlOf(database.name) });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1');
      expect(await runPrepared(dataSource, doubled, [5])).toEqual([{ doubled: 10 }]);
      expect(await runPrepared(dataSource, doubled, [7])).toEqual([{ doubled: 14 }]);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
  });

  it('runs a prepared statement another client already prepared on the same server connection', async () => {
    const dataSource = await open(bouncer.urlOf(database.name), { poolSize: 2 });
    const pool = poolOf(dataSource);
    // Two clients of the pool, one server connection behind both.
    const first: PoolClient = await pool.connect();
    expect(await runPrepared(dataSource, doubled, [1])).toEqual([{ doubled: 2 }]);
    first.release();
    expect(await runPrepared(dataSource, doubled, [3])).toEqual([{ doubled: 6 }]);
    expect(await runPrepared(dataSource, doubled, [4])).toEqual([{ doubled: 8 }]);
  });

  it('commits asynchronously for a role whose migration asked so, through PgBouncer as directly, and on again when asked', async () => {
    const other = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_pgbouncer_test');
    try {
      const migrating = await open(database.url, { synchronousCommit: false });
      await migrateDatabase(migrating);
      expect(await setting(database.url)).toBe('off');
      const gateway = await open(bouncer.urlOf(database.name), { synchronousCommit: false });
      expect(await gateway.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'off' }]);
      // The role's default in that database only.
      expect(await setting(other.url)).toBe('on');

      const durable = await open(database.url, { synchronousCommit: true });
      await migrateDatabase(durable);
      expect(await setting(database.url)).toBe('on');
    } finally {
      await other.drop();
    }
  });
});
