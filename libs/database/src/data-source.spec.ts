import { createTemporaryDatabase, testEndpoints } from '@consign/test-support';
import { checkDatabase, createServiceDataSource, isDatabaseOutage } from './index';

describe('service database (real PostgreSQL)', () => {
  it('answers the readiness check once initialised, and refuses before', async () => {
    const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_database_test');
    const dataSource = createServiceDataSource({ url: database.url, entities: [], migrations: [], applicationName: 'database-test' });
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
    const unreachable = createServiceDataSource({ url: 'postgres://postgres@127.0.0.1:1/none', entities: [], migrations: [], applicationName: 'database-test' });
    const failure = await unreachable.initialize().catch((error: unknown) => error);
    expect(isDatabaseOutage(failure)).toBe(true);
    expect(isDatabaseOutage(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
  });
});
