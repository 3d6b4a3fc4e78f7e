import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import { createTemporaryDatabase, startTestServer, TemporaryDatabase, TestServer, testEndpoints } from '@consign/test-support';
import { consignorIdFor, consignorMigrations, createConsignorReadRouter } from '@consign/consignors';

describe('sealing what consignor-service stored in the clear (real PostgreSQL)', () => {
  const ada = consignorIdFor('dev-store', 'user_ada');
  const gone = consignorIdFor('dev-store', 'user_gone');
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  let server: TestServer;

  const open = (migrations: ReturnType<typeof consignorMigrations>): Promise<DataSource> =>
    createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations,
      applicationName: 'consignors-migration-test',
    }).initialize();

  /** What the version before this migration wrote for a registered consignor. */
  async function registeredBefore(
    earlier: DataSource,
    consignorId: string,
    clerkUserId: string,
    name: [string, string],
    state: 'registered' | 'deleted',
  ): Promise<void> {
    const [first, last] = name;
    const email = `${first.toLowerCase()}@example.org`;
    await earlier.query(
      `INSERT INTO consignors (consignor_id, tenant_id, clerk_user_id, status, display_name, email, first_name, last_name, commission_rate_basis_points, shopify_tag, registered_by_event_id, registered_at, changed_at)
       VALUES ($1, 'dev-store', $2, $3, $4, $5, $6, $7, 4000, $8, $9, now(), now())`,
      [
        consignorId,
        clerkUserId,
        state === 'deleted' ? 'deactivated' : 'active',
        `${first} ${last}`,
        email,
        first,
        last,
        `consignor:${consignorId}`,
        `e-1-${clerkUserId}`,
      ],
    );
    await earlier.query(
      `INSERT INTO clerk_users (clerk_user_id, state, consignor_id, event_tenant_id, user_snapshot, clerk_updated_at, last_event_id, state_since)
       VALUES ($1, $2, $3, 'dev-store', $4::jsonb, 1, $5, now())`,
      [
        clerkUserId,
        state,
        consignorId,
        JSON.stringify({ id: clerkUserId, primaryEmail: email, firstName: first, lastName: last }),
        `e-1-${clerkUserId}`,
      ],
    );
    const registered = {
      id: consignorId,
      clerkUserId,
      displayName: `${first} ${last}`,
      email,
      firstName: first,
      lastName: last,
      commissionRateBasisPoints: 4000,
      tenantId: 'dev-store',
      status: 'active',
    };
    await earlier.query(
      `INSERT INTO consignor_history (entry_id, consignor_id, event_id, event_type, change, field, from_value, to_value, position, occurred_at)
       VALUES (gen_random_uuid(), $1, $4, 'clerk.user.created', 'registered', NULL, 'null', $2::jsonb, 0, now() - interval '2 minutes'),
              (gen_random_uuid(), $1, $5, 'clerk.user.updated', 'updated', 'email', '"old@example.org"', $3::jsonb, 0, now() - interval '1 minute'),
              (gen_random_uuid(), $1, $5, 'clerk.user.updated', 'updated', 'commissionRateBasisPoints', '3000', '4000', 1, now() - interval '1 minute')`,
      [consignorId, JSON.stringify(registered), JSON.stringify(email), `e-1-${clerkUserId}`, `e-2-${clerkUserId}`],
    );
    await earlier.query(
      `INSERT INTO rejected_consignor_changes (event_id, field, consignor_id, attempted_value, reason, occurred_at)
       VALUES ($2, 'email', $1, 'broken@', 'not a valid email address', now())`,
      [consignorId, `e-2-${clerkUserId}`],
    );
  }

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_consignors_migration_test');
    const earlier = await open(consignorMigrations(keys).slice(0, -2));
    await migrateDatabase(earlier);
    await registeredBefore(earlier, ada, 'user_ada', ['Ada', 'Lovelace'], 'registered');
    await registeredBefore(earlier, gone, 'user_gone', ['Gone', 'Person'], 'deleted');
    await earlier.query(
      `INSERT INTO clerk_users (clerk_user_id, state, event_tenant_id, hold_reason, user_snapshot, clerk_updated_at, last_event_id, state_since)
       VALUES ('user_held', 'held', 'dev-store', 'no client', '{"id":"user_held","primaryEmail":"held@example.org"}', 1, 'e-held', now())`,
    );
    await earlier.query(`
      INSERT INTO outbox_events (event_id, event_type, topic, record_key, payload, published_at)
      VALUES ('o-1', 'consignor.registered', 'consignors.v1', 'x', 'Ada Lovelace ada@example.org'::bytea, now())`);
    await earlier.destroy();
    dataSource = await open(consignorMigrations(keys));
    expect(await migrateDatabase(dataSource)).toEqual(['CreatePersonalDataKeys1764362000000', 'EncryptConsignorPersonalData1764362100000']);
    server = await startTestServer('consignor-migration-test', createConsignorReadRouter(dataSource, keys));
  });

  afterAll(async () => {
    await server?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  async function read(path: string): Promise<Record<string, unknown>> {
    return (await fetch(`${server.base}${path}`)).json() as Promise<Record<string, unknown>>;
  }

  it('leaves no name or address in the clear in any row, nor in the published outbox', async () => {
    for (const table of ['consignors', 'clerk_users', 'consignor_history', 'rejected_consignor_changes', 'outbox_events']) {
      const rows: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM ${table} t`);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter(({ row }) => /@example\.org|Lovelace|Gone Person|broken@/.test(row)).map(({ row }) => row)).toEqual([]);
    }
    expect(await dataSource.query('SELECT length(payload) AS bytes FROM outbox_events')).toEqual([{ bytes: 0 }]);
    // Only the append-only rule's own rewrite: the triggers are back.
    await expect(dataSource.query('DELETE FROM consignor_history')).rejects.toThrow('consignor_history is append-only');
    await expect(dataSource.query('DELETE FROM rejected_consignor_changes')).rejects.toThrow('rejected_consignor_changes is append-only');
  });

  it('reads everything back as it was for a current consignor and a held user', async () => {
    expect(await read(`/consignors/${ada}`)).toEqual({
      consignor: expect.objectContaining({
        displayName: 'Ada Lovelace',
        email: 'ada@example.org',
        firstName: 'Ada',
        lastName: 'Lovelace',
        erased: false,
      }),
      history: [
        expect.objectContaining({
          change: 'registered',
          to: expect.objectContaining({ id: ada, displayName: 'Ada Lovelace', email: 'ada@example.org', status: 'active' }),
          erased: false,
        }),
        expect.objectContaining({ field: 'email', from: 'old@example.org', to: 'ada@example.org', erased: false }),
        expect.objectContaining({ field: 'commissionRateBasisPoints', from: 3000, to: 4000, erased: false }),
      ],
      rejectedChanges: [expect.objectContaining({ field: 'email', attemptedValue: 'broken@', erased: false })],
    });
    expect(await read('/held')).toEqual({ held: [expect.objectContaining({ clerkUserId: 'user_held', email: 'held@example.org' })] });
  });

  it('erases the users Clerk deleted before it, keeping their rate and history of rates', async () => {
    expect(await read(`/consignors/${gone}`)).toEqual({
      consignor: expect.objectContaining({
        status: 'deactivated',
        displayName: null,
        email: null,
        erased: true,
        commissionRateBasisPoints: 4000,
      }),
      history: [
        expect.objectContaining({
          change: 'registered',
          to: expect.objectContaining({ id: gone, displayName: null, email: null, commissionRateBasisPoints: 4000 }),
          erased: true,
        }),
        expect.objectContaining({ field: 'email', from: null, to: null, erased: true }),
        expect.objectContaining({ field: 'commissionRateBasisPoints', from: 3000, to: 4000, erased: false }),
      ],
      rejectedChanges: [expect.objectContaining({ field: 'email', attemptedValue: null, erased: true })],
    });
  });
});
