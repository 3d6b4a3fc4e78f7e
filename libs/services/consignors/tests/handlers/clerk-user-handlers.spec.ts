import { DataSource } from 'typeorm';
import { ClerkUser, derivedMetadata, events, PlatformEvent } from '@consign/contracts';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { PlatformError } from '@consign/errors';
import { developmentKeyEncryptionKeys as keys, openPersonalData } from '@consign/personal-data';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { ClerkUserEvent, consignorIdFor, consignorMigrations, handleClerkUserEvent } from '@consign/consignors';
import { fixtureUser, tenants, userCreated, userDeleted, userUpdated } from '../support/clerk-user-events';

const tables = ['consignors', 'clerk_users', 'consignor_history', 'rejected_consignor_changes', 'clerk_user_events'];

async function openDatabase(): Promise<{ database: TemporaryDatabase; dataSource: DataSource }> {
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_consignors_test');
  const dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: consignorMigrations(keys),
    applicationName: 'consignors-test',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  return { database, dataSource };
}

function apply(dataSource: DataSource, event: ClerkUserEvent): Promise<PlatformEvent[]> {
  return dataSource.transaction((manager) => handleClerkUserEvent(manager, event, tenants, keys));
}

/** The rows a query returns, each `sealed_<column>` opened into `<column>` (null once its person is erased). */
async function opened(dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(sql, parameters);
  const subjects: { subject: string }[] = await dataSource.query('SELECT subject FROM personal_data_keys');
  const personalData = await openPersonalData(
    dataSource.manager,
    keys,
    subjects.map(({ subject }) => subject),
  );
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) =>
        column.startsWith('sealed_') ? [column.slice('sealed_'.length), personalData.text(value as Buffer | null)] : [column, value],
      ),
    ),
  );
}

/** Every row of every table, apart from when it was recorded; sealed values opened, unless `sealed`. */
async function dump(dataSource: DataSource, { sealed = false } = {}): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of tables) {
    const query = `SELECT * FROM ${table}`;
    const rows = sealed ? ((await dataSource.query(query)) as Record<string, unknown>[]) : await opened(dataSource, query);
    result[table] = rows
      .map(({ recorded_at: _recordedAt, ...row }) => row)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return result;
}

function user(id: string, overrides: Partial<ClerkUser> = {}): Partial<ClerkUser> {
  return { id, ...overrides };
}

const t0 = fixtureUser.updatedAt;

describe('Clerk user handlers (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    ({ database, dataSource } = await openDatabase());
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('applies the migrations in order, once', async () => {
    const rows: { name: string }[] = await dataSource.query('SELECT name FROM schema_migrations ORDER BY timestamp');
    expect(rows.map((row) => row.name)).toEqual([
      'CreateProcessedEvents1764355100000',
      'CreateOutboxEvents1764355150000',
      'CreateConsignors1764358000000',
      'CreatePersonalDataKeys1764362000000',
      'EncryptConsignorPersonalData1764362100000',
    ]);
    expect(await migrateDatabase(dataSource)).toEqual([]);
  });

  it('registers the fixture user with the tenant of the event and publishes ConsignorRegistered', async () => {
    const created = userCreated('msg-fixture');
    const consignorId = consignorIdFor('dev-store', fixtureUser.id);
    const published = await apply(dataSource, created);
    expect(published).toEqual([
      {
        definition: events.consignorRegistered,
        value: {
          metadata: derivedMetadata(events.consignorRegistered, created.metadata, { source: 'consignor-service' }),
          consignor: {
            id: consignorId,
            clerkUserId: fixtureUser.id,
            displayName: 'Example Example',
            email: 'example@example.org',
            firstName: 'Example',
            lastName: 'Example',
            commissionRateBasisPoints: 4000,
            shopifyTag: `consignor:${consignorId}`,
          },
        },
      },
    ]);
    const [row] = await dataSource.query('SELECT tenant_id, status, registered_by_event_id FROM consignors WHERE consignor_id = $1', [
      consignorId,
    ]);
    expect(row).toEqual({ tenant_id: 'dev-store', status: 'active', registered_by_event_id: created.metadata.eventId });
    const history = await dataSource.query('SELECT change, field, to_value FROM consignor_history WHERE consignor_id = $1', [consignorId]);
    expect(history).toEqual([
      {
        change: 'registered',
        field: null,
        to_value: expect.objectContaining({ id: consignorId, tenantId: 'dev-store', status: 'active' }),
      },
    ]);
  });

  it('applies the same event twice as once: no change, no second event', async () => {
    const created = userCreated(
      'msg-twice',
      user('user_twice', { publicMetadataJson: '{"commissionRatePercent":"bad"}', primaryEmail: 'nope' }),
    );
    expect(await apply(dataSource, created)).toHaveLength(1);
    const updated = userUpdated('msg-twice-update', user('user_twice', { lastName: 'Twice', updatedAt: t0 + 1 }));
    expect(await apply(dataSource, updated)).toHaveLength(1);
    const before = await dump(dataSource, { sealed: true });
    expect(await apply(dataSource, created)).toEqual([]);
    expect(await apply(dataSource, updated)).toEqual([]);
    expect(await dump(dataSource, { sealed: true })).toEqual(before);
  });

  it('registers with the client named by public metadata, its default rate and tag prefix, or the rate the metadata gives', async () => {
    const created = userCreated('msg-other', user('user_other', { publicMetadataJson: '{"clientId":"other-store"}' }));
    const [registered] = await apply(dataSource, created);
    const consignorId = consignorIdFor('other-store', 'user_other');
    expect(registered.value).toMatchObject({
      metadata: { tenantId: 'other-store', source: 'consignor-service', causationId: created.metadata.eventId },
      consignor: { id: consignorId, commissionRateBasisPoints: 2500, shopifyTag: `cs-${consignorId}` },
    });
    const [withRate] = await apply(
      dataSource,
      userCreated('msg-rate', user('user_rate', { publicMetadataJson: '{"commissionRatePercent":12.5}' })),
    );
    expect(withRate.value).toMatchObject({ consignor: { commissionRateBasisPoints: 1250 } });
  });

  it('records what was refused at registration and still registers', async () => {
    const created = userCreated(
      'msg-refused',
      user('user_refused', { primaryEmail: 'not an email', publicMetadataJson: '{"commissionRatePercent":101}' }),
    );
    const [registered] = await apply(dataSource, created);
    expect(registered.value).toMatchObject({ consignor: { email: null, commissionRateBasisPoints: 4000 } });
    const rejected = await opened(
      dataSource,
      'SELECT field, sealed_attempted_value, event_id FROM rejected_consignor_changes WHERE consignor_id = $1 ORDER BY field',
      [consignorIdFor('dev-store', 'user_refused')],
    );
    expect(rejected).toEqual([
      { field: 'commissionRatePercent', attempted_value: '101', event_id: created.metadata.eventId },
      { field: 'email', attempted_value: 'not an email', event_id: created.metadata.eventId },
    ]);
  });

  it('holds and flags a user whose client cannot be determined, publishes nothing, and registers it once an update names a client', async () => {
    expect(await apply(dataSource, userCreated('msg-held', user('user_held', { publicMetadataJson: '{"clientId":"nowhere"}' })))).toEqual(
      [],
    );
    expect(await apply(dataSource, userCreated('msg-held-tenant', user('user_held_tenant'), 'gone-store'))).toEqual([]);
    const held = await dataSource.query("SELECT clerk_user_id, hold_reason FROM clerk_users WHERE state = 'held' ORDER BY clerk_user_id");
    expect(held).toEqual([
      { clerk_user_id: 'user_held', hold_reason: 'public metadata names clientId "nowhere", which is not a known client' },
      {
        clerk_user_id: 'user_held_tenant',
        hold_reason: `no clientId in public metadata and the event's tenant "gone-store" is not a known client`,
      },
    ]);
    expect(await dataSource.query("SELECT 1 FROM consignors WHERE clerk_user_id LIKE 'user_held%'")).toEqual([]);

    expect(
      await apply(
        dataSource,
        userUpdated('msg-held-2', user('user_held', { publicMetadataJson: '{"clientId":"elsewhere"}', updatedAt: t0 + 1 })),
      ),
    ).toEqual([]);
    const [{ hold_reason }] = await dataSource.query("SELECT hold_reason FROM clerk_users WHERE clerk_user_id = 'user_held'");
    expect(hold_reason).toContain('"elsewhere"');

    const released = userUpdated('msg-held-3', user('user_held', { publicMetadataJson: '{"clientId":"other-store"}', updatedAt: t0 + 2 }));
    const [registered] = await apply(dataSource, released);
    expect(registered.definition).toBe(events.consignorRegistered);
    expect(registered.value).toMatchObject({
      metadata: { causationId: released.metadata.eventId },
      consignor: { id: consignorIdFor('other-store', 'user_held') },
    });
    expect(await dataSource.query("SELECT state, consignor_id FROM clerk_users WHERE clerk_user_id = 'user_held'")).toEqual([
      { state: 'registered', consignor_id: consignorIdFor('other-store', 'user_held') },
    ]);
  });

  it('syncs only the changed fields, records the change history and publishes nothing when nothing changed', async () => {
    await apply(dataSource, userCreated('msg-sync', user('user_sync')));
    const consignorId = consignorIdFor('dev-store', 'user_sync');
    const update = userUpdated('msg-sync-1', user('user_sync', { lastName: 'Doe', updatedAt: t0 + 10 }));
    const [updated] = await apply(dataSource, update);
    expect(updated).toEqual({
      definition: events.consignorUpdated,
      value: {
        metadata: derivedMetadata(events.consignorUpdated, update.metadata, { source: 'consignor-service' }),
        consignor: expect.objectContaining({ id: consignorId, displayName: 'Example Doe', lastName: 'Doe', email: 'example@example.org' }),
        changedFields: ['displayName', 'lastName'],
      },
    });
    expect(await apply(dataSource, userUpdated('msg-sync-2', user('user_sync', { lastName: 'Doe', updatedAt: t0 + 20 })))).toEqual([]);
    // A personal field's change is sealed whole, as JSON; nothing of it stays in the clear.
    const history = await opened(
      dataSource,
      "SELECT change, field, from_value AS open_from, to_value AS open_to, sealed_from_value, sealed_to_value, event_id FROM consignor_history WHERE consignor_id = $1 AND change = 'updated' ORDER BY position",
      [consignorId],
    );
    expect(history).toEqual([
      {
        change: 'updated',
        field: 'displayName',
        open_from: null,
        open_to: null,
        from_value: '"Example Example"',
        to_value: '"Example Doe"',
        event_id: update.metadata.eventId,
      },
      {
        change: 'updated',
        field: 'lastName',
        open_from: null,
        open_to: null,
        from_value: '"Example"',
        to_value: '"Doe"',
        event_id: update.metadata.eventId,
      },
    ]);
    const outcomes = await dataSource.query("SELECT outcome FROM clerk_user_events WHERE clerk_user_id = 'user_sync' ORDER BY occurred_at");
    expect(outcomes).toEqual([{ outcome: 'registered' }, { outcome: 'updated' }, { outcome: 'unchanged' }]);
  });

  it('rejects and records invalid changes and a change of client, and applies the rest of the update', async () => {
    await apply(dataSource, userCreated('msg-reject', user('user_reject')));
    const consignorId = consignorIdFor('dev-store', 'user_reject');
    const update = userUpdated(
      'msg-reject-1',
      user('user_reject', {
        firstName: 'Changed',
        primaryEmail: 'broken@',
        publicMetadataJson: '{"clientId":"other-store","commissionRatePercent":250}',
        updatedAt: t0 + 10,
      }),
    );
    const [updated] = await apply(dataSource, update);
    expect(updated.value).toMatchObject({
      changedFields: ['displayName', 'firstName'],
      consignor: { email: 'example@example.org', commissionRateBasisPoints: 4000 },
    });
    expect(await dataSource.query('SELECT tenant_id FROM consignors WHERE consignor_id = $1', [consignorId])).toEqual([
      { tenant_id: 'dev-store' },
    ]);
    const rejected = await opened(
      dataSource,
      'SELECT field, sealed_attempted_value, reason, event_id FROM rejected_consignor_changes WHERE consignor_id = $1 ORDER BY field',
      [consignorId],
    );
    expect(rejected).toEqual([
      {
        field: 'clientId',
        attempted_value: 'other-store',
        reason: 'a consignor never changes client: it belongs to "dev-store"',
        event_id: update.metadata.eventId,
      },
      {
        field: 'commissionRatePercent',
        attempted_value: '250',
        reason: 'commissionRatePercent must be a number from 0 to 100',
        event_id: update.metadata.eventId,
      },
      { field: 'email', attempted_value: 'broken@', reason: 'not a valid email address', event_id: update.metadata.eventId },
    ]);
  });

  it('ignores and records an update older than the one applied', async () => {
    await apply(dataSource, userCreated('msg-stale', user('user_stale')));
    await apply(dataSource, userUpdated('msg-stale-2', user('user_stale', { lastName: 'Second', updatedAt: t0 + 2 })));
    const late = userUpdated('msg-stale-1', user('user_stale', { lastName: 'First', updatedAt: t0 + 1 }));
    expect(await apply(dataSource, late)).toEqual([]);
    expect(await opened(dataSource, "SELECT sealed_last_name FROM consignors WHERE clerk_user_id = 'user_stale'")).toEqual([
      { last_name: 'Second' },
    ]);
    expect(await dataSource.query('SELECT reason FROM clerk_user_events WHERE event_id = $1', [late.metadata.eventId])).toEqual([
      { reason: `stale: older than the version already applied (updatedAt ${t0 + 2})` },
    ]);
  });

  it('registers from an update that overtook its user.created, then ignores the older user.created', async () => {
    const [registered] = await apply(
      dataSource,
      userUpdated('msg-early-update', user('user_early', { username: 'early', updatedAt: t0 + 5 })),
    );
    expect(registered.definition).toBe(events.consignorRegistered);
    expect(await apply(dataSource, userCreated('msg-late-created', user('user_early')))).toEqual([]);
  });

  it('deactivates on user.deleted, keeps the consignor and its history, erases the person, and ignores what follows', async () => {
    await apply(dataSource, userCreated('msg-delete', user('user_delete')));
    const consignorId = consignorIdFor('dev-store', 'user_delete');
    const deleted = userDeleted('msg-delete-1', 'user_delete');
    expect(await apply(dataSource, deleted)).toEqual([
      {
        definition: events.consignorDeactivated,
        value: {
          metadata: derivedMetadata(events.consignorDeactivated, deleted.metadata, { source: 'consignor-service' }),
          consignorId,
          reason: 'Clerk user deleted',
        },
      },
    ]);
    expect(
      await opened(
        dataSource,
        'SELECT status, commission_rate_basis_points, sealed_display_name, sealed_email FROM consignors WHERE consignor_id = $1',
        [consignorId],
      ),
    ).toEqual([{ status: 'deactivated', commission_rate_basis_points: 4000, display_name: null, email: null }]);
    expect(
      await dataSource.query(
        "SELECT kek_id, wrapped_key, erased_at IS NOT NULL AS erased FROM personal_data_keys WHERE subject = 'clerk-user:user_delete'",
      ),
    ).toEqual([{ kek_id: null, wrapped_key: null, erased: true }]);
    expect(
      await dataSource.query('SELECT change, from_value, to_value FROM consignor_history WHERE consignor_id = $1 ORDER BY occurred_at', [
        consignorId,
      ]),
    ).toEqual([
      {
        change: 'registered',
        from_value: null,
        to_value: expect.objectContaining({
          id: consignorId,
          clerkUserId: 'user_delete',
          commissionRateBasisPoints: 4000,
          status: 'active',
        }),
      },
      { change: 'deactivated', from_value: 'active', to_value: 'deactivated' },
    ]);
    // No name or address of the person anywhere in the clear: only sealed, under a key that is gone.
    for (const table of ['consignors', 'consignor_history', 'clerk_users']) {
      const rows: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM ${table} t WHERE consignor_id = $1`, [
        consignorId,
      ]);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter(({ row }) => /Example|example\.org/.test(row))).toEqual([]);
    }
    const again = userDeleted('msg-delete-2', 'user_delete');
    expect(await apply(dataSource, again)).toEqual([]);
    expect(await dataSource.query('SELECT outcome, reason FROM clerk_user_events WHERE event_id = $1', [again.metadata.eventId])).toEqual([
      { outcome: 'ignored', reason: 'the Clerk user was deleted already' },
    ]);
    const lateUpdate = userUpdated('msg-delete-late', user('user_delete', { lastName: 'Ghost', updatedAt: t0 + 1 }));
    expect(await apply(dataSource, lateUpdate)).toEqual([]);
    expect(await dataSource.query('SELECT reason FROM clerk_user_events WHERE event_id = $1', [lateUpdate.metadata.eventId])).toEqual([
      { reason: 'the Clerk user was deleted' },
    ]);
  });

  it('records a deletion of an unknown user without failing, and does not register the user afterwards', async () => {
    const deleted = userDeleted('msg-unknown-delete', 'user_unknown');
    expect(await apply(dataSource, deleted)).toEqual([]);
    expect(
      await dataSource.query('SELECT reason, clerk_user_id FROM clerk_user_events WHERE event_id = $1', [deleted.metadata.eventId]),
    ).toEqual([{ reason: 'deletion of a user never registered nor held', clerk_user_id: 'user_unknown' }]);
    expect(await apply(dataSource, userCreated('msg-unknown-created', user('user_unknown')))).toEqual([]);
    expect(await dataSource.query("SELECT 1 FROM consignors WHERE clerk_user_id = 'user_unknown'")).toEqual([]);
  });

  it('takes a deleted held user off the held list', async () => {
    await apply(dataSource, userCreated('msg-held-deleted', user('user_held_deleted', { publicMetadataJson: '{"clientId":"nowhere"}' })));
    expect(await apply(dataSource, userDeleted('msg-held-deleted-1', 'user_held_deleted'))).toEqual([]);
    expect(
      await opened(dataSource, "SELECT state, sealed_user_snapshot FROM clerk_users WHERE clerk_user_id = 'user_held_deleted'"),
    ).toEqual([{ state: 'deleted', user_snapshot: null }]);
    expect(
      await dataSource.query(
        "SELECT erased_at IS NOT NULL AS erased FROM personal_data_keys WHERE subject = 'clerk-user:user_held_deleted'",
      ),
    ).toEqual([{ erased: true }]);
    expect(
      await dataSource.query("SELECT outcome FROM clerk_user_events WHERE clerk_user_id = 'user_held_deleted' ORDER BY occurred_at"),
    ).toEqual([{ outcome: 'held' }, { outcome: 'discarded' }]);
  });

  it('records a user.deleted whose deleted flag is false and changes nothing', async () => {
    await apply(dataSource, userCreated('msg-not-deleted', user('user_not_deleted')));
    const event = { ...userDeleted('msg-not-deleted-1', 'user_not_deleted'), deleted: false };
    expect(await apply(dataSource, event)).toEqual([]);
    expect(await dataSource.query("SELECT status FROM consignors WHERE clerk_user_id = 'user_not_deleted'")).toEqual([
      { status: 'active' },
    ]);
    expect(await dataSource.query('SELECT reason FROM clerk_user_events WHERE event_id = $1', [event.metadata.eventId])).toEqual([
      { reason: 'user.deleted with deleted = false' },
    ]);
  });

  it('refuses an event without a user id as invalid input', async () => {
    await expect(apply(dataSource, userCreated('msg-no-id', user(' ')))).rejects.toMatchObject({
      code: 'consignor.clerk_user_id_missing',
      category: 'invalid',
    });
    await expect(apply(dataSource, userDeleted('msg-no-id-delete', ''))).rejects.toBeInstanceOf(PlatformError);
  });

  it('keeps history, rejected changes and the event record append-only', async () => {
    await expect(dataSource.query('UPDATE consignor_history SET field = NULL')).rejects.toThrow('consignor_history is append-only');
    await expect(dataSource.query('DELETE FROM rejected_consignor_changes')).rejects.toThrow('rejected_consignor_changes is append-only');
    await expect(dataSource.query('DELETE FROM clerk_user_events')).rejects.toThrow('clerk_user_events is append-only');
  });
});

describe('replaying clerk.users.v1 into a fresh database (real PostgreSQL)', () => {
  const sequence: ClerkUserEvent[] = [
    userCreated('r-1', user('user_a')),
    userCreated('r-2', user('user_b', { publicMetadataJson: '{"clientId":"other-store","commissionRatePercent":"17.25"}' })),
    userCreated('r-3', user('user_c', { publicMetadataJson: '{"clientId":"nowhere"}' })),
    userUpdated('r-4', user('user_a', { firstName: 'Ann', primaryEmail: 'ann@', updatedAt: t0 + 2 })),
    userUpdated('r-5', user('user_a', { firstName: 'Old', updatedAt: t0 + 1 })),
    userUpdated('r-6', user('user_c', { publicMetadataJson: '{"clientId":"dev-store"}', updatedAt: t0 + 3 })),
    userUpdated('r-7', user('user_b', { publicMetadataJson: '{"clientId":"dev-store"}', updatedAt: t0 + 4 })),
    userDeleted('r-8', 'user_a'),
    userDeleted('r-9', 'user_never_seen'),
    userCreated('r-1', user('user_a')),
  ];
  const databases: { database: TemporaryDatabase; dataSource: DataSource }[] = [];

  afterAll(async () => {
    for (const { database, dataSource } of databases) {
      await dataSource.destroy();
      await database.drop();
    }
  });

  async function replay(dataSource: DataSource): Promise<PlatformEvent[]> {
    const published: PlatformEvent[] = [];
    for (const event of sequence) published.push(...(await apply(dataSource, event)));
    return published;
  }

  it('rebuilds identical rows, ids included, and publishes identical events', async () => {
    databases.push(await openDatabase(), await openDatabase());
    const [first, second] = databases.map(({ dataSource }) => dataSource);
    const publishedFirst = await replay(first);
    const publishedSecond = await replay(second);
    expect(publishedSecond).toEqual(publishedFirst);
    expect(publishedFirst.map((event) => event.definition.type)).toEqual([
      'consignor.registered',
      'consignor.registered',
      'consignor.updated',
      'consignor.registered',
      'consignor.deactivated',
    ]);
    const rows = await dump(first);
    expect(await dump(second)).toEqual(rows);
    expect(rows.consignors).toHaveLength(3);
    expect(rows.rejected_consignor_changes).toHaveLength(2);
  });

  it('changes nothing and publishes nothing when the same sequence is replayed over itself', async () => {
    const { dataSource } = databases[0];
    const before = await dump(dataSource, { sealed: true });
    expect(await replay(dataSource)).toEqual([]);
    expect(await dump(dataSource, { sealed: true })).toEqual(before);
  });
});
