import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { checkDatabase, createServiceDataSource, isDatabaseOutage, migrateDatabase, runPrepared } from '@consign/database';

describe('service database (real PostgreSQL)', () => {
  it('answers the readiness check once initialised, and refuses before', async () => {
    const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_database_test');
    const dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: [],
      applicationName: 'database-test',
    });
    try {
      await expect(checkDatabase(dataSource)).rejects.toThrow('database connection is not initialised');
      await dataSource.initialize();
      await expect(checkDatabase(dataSource)).resolves.toBeUndefined();
      const [{ application_name }] = await dataSource.query('SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()');
      expect(application_name).toBe('database-test');
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    }
  });

  it('recognises an unreachable server as an outage, and a bad query as not one', async () => {
    const unreachable = createServiceDataSource({
      url: 'postgres://postgres@127.0.0.1:1/none',
      tls: { mode: 'disable' },
      migrations: [],
      applicationName: 'database-test',
    });
    const failure = await unreachable.initialize().catch((error: unknown) => error);
    expect(isDatabaseOutage(failure)).toBe(true);
    expect(isDatabaseOutage(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
  });

  it('runs a prepared statement: planned once per connection under its name, and reused', async () => {
    const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_database_test');
    const dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: [],
      applicationName: 'database-test',
      poolSize: 1,
    });
    const doubled = { name: 'test-doubled', text: 'SELECT $1::int * 2 AS doubled' };
    try {
      await expect(runPrepared(dataSource, doubled, [1])).rejects.toThrow(
        'cannot run test-doubled: the database connection is not initialised',
      );
      await dataSource.initialize();
      expect(await runPrepared(dataSource, doubled, [21])).toEqual([{ doubled: 42 }]);
      expect(await runPrepared(dataSource, doubled, [5])).toEqual([{ doubled: 10 }]);
      // One connection in the pool: this query sees the statement prepared on it.
      expect(await dataSource.query('SELECT name, generic_plans + custom_plans AS plans FROM pg_prepared_statements')).toEqual([
        { name: expect.stringMatching(/^test-doubled-[0-9a-f]{12}$/), plans: '2' },
      ]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    }
  });

  it('makes asynchronous commit the default of an unprivileged role in its database at migrate', async () => {
    const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_database_test');
    const role = `consign_app_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    const roleUrl = new URL(database.url);
    roleUrl.username = role;
    const dataSource = createServiceDataSource({
      url: roleUrl.toString(),
      tls: { mode: 'disable' },
      migrations: [],
      applicationName: 'database-test',
      synchronousCommit: false,
    });
    try {
      // Neither superuser nor owner: the role a managed database gives an app, which may create its tables.
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await admin.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
      await dataSource.initialize();
      await migrateDatabase(dataSource);
      await dataSource.destroy();
      await dataSource.initialize();
      expect(await dataSource.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'off' }]);
      expect((await admin.query('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'on' }]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await admin.end();
      await database.drop();
      const server = new Client({ connectionString: testEndpoints().postgresServerUrl });
      await server.connect();
      await server.query(`DROP ROLE IF EXISTS ${role}`);
      await server.end();
    }
  });

  it('closes idle connections after the idle timeout, and keeps them when it is 0', async () => {
    const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_database_test');
    const backendAfterIdling = async (idleTimeoutMs: number): Promise<{ before: number; after: number }> => {
      const dataSource = createServiceDataSource({
        url: database.url,
        tls: { mode: 'disable' },
        migrations: [],
        applicationName: 'database-test',
        poolSize: 1,
        idleTimeoutMs,
      });
      await dataSource.initialize();
      try {
        const [{ pid: before }] = await dataSource.query('SELECT pg_backend_pid() AS pid');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [{ pid: after }] = await dataSource.query('SELECT pg_backend_pid() AS pid');
        return { before, after };
      } finally {
        await dataSource.destroy();
      }
    };
    try {
      const closed = await backendAfterIdling(100);
      expect(closed.after).not.toBe(closed.before);
      const kept = await backendAfterIdling(0);
      expect(kept.after).toBe(kept.before);
    } finally {
      await database.drop();
    }
  });
});
