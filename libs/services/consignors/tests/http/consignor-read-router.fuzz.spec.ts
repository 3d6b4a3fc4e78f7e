import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import {
  createTemporaryDatabase,
  fuzzApi,
  FuzzTally,
  startGuardedServer,
  TemporaryDatabase,
  TestServer,
  testEndpoints,
} from '@consign/test-support';
import { consignorIdFor, consignorMigrations, createConsignorReadRouter, handleClerkUserEvent } from '@consign/consignors';
import { fixtureUser, tenants, userCreated, userDeleted, userUpdated } from '../support/clerk-user-events';

/**
 * The consignor read API behind the real key check, over a real database holding a consignor with
 * history and a rejected change, an erased one and a held user: generated requests never get a
 * 5xx, and nothing without a key.
 */
const runs = 150;
const tally = new FuzzTally();
const startedAt = Date.now();
let database: TemporaryDatabase;
let dataSource: DataSource;
let server: TestServer;

beforeAll(async () => {
  database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_consignors_fuzz');
  dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: consignorMigrations(keys),
    applicationName: 'consignors-fuzz',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  for (const event of [
    userCreated('fuzz-1', { id: 'user_ada' }),
    userUpdated('fuzz-2', { id: 'user_ada', firstName: 'Ada', primaryEmail: 'broken@', updatedAt: fixtureUser.updatedAt + 1 }),
    userCreated('fuzz-3', { id: 'user_gone' }),
    userDeleted('fuzz-4', 'user_gone'),
    userCreated('fuzz-5', { id: 'user_held', publicMetadataJson: '{"clientId":"nowhere"}' }),
  ]) {
    await dataSource.transaction((manager) => handleClerkUserEvent(manager, event, tenants, keys));
  }
  server = await startGuardedServer('consignor-service', (http) =>
    http.app.use(http.guard('read'), createConsignorReadRouter(dataSource, keys)),
  );
});

afterAll(async () => {
  await server?.close();
  await dataSource?.destroy();
  await database?.drop();
  console.log(tally.summary('consignor read API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  await fuzzApi(
    tally,
    'consignors',
    server.base,
    {
      scopes: ['read'],
      routes: [
        { method: 'GET', path: '/clients/:tenantId/consignors', query: ['status'] },
        { method: 'GET', path: '/consignors/:consignorId' },
        { method: 'GET', path: '/held' },
      ],
      knownValues: {
        tenantId: ['dev-store', 'other-store'],
        consignorId: [consignorIdFor('dev-store', 'user_ada'), consignorIdFor('dev-store', 'user_gone')],
        status: ['active', 'deactivated'],
      },
    },
    runs,
  );
  expect(tally.count('consignors')).toBeGreaterThanOrEqual(runs);
}, 60_000);
