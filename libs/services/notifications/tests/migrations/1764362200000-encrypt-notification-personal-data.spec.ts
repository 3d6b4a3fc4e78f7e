import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { notificationMigrations } from '@consign/notifications';
import { findContact } from '../../src/store/contacts';
import { findNotifications } from '../../src/store/notification-log';

describe('sealing what notification-service stored in the clear (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;

  const open = (migrations: ReturnType<typeof notificationMigrations>): Promise<DataSource> =>
    createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations,
      applicationName: 'notifications-migration-test',
    }).initialize();

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_notification_migration_test');
    const earlier = await open(notificationMigrations(keys).slice(0, -2));
    await migrateDatabase(earlier);
    await earlier.query(`
      INSERT INTO notification_contacts (consignor_id, tenant_id, display_name, email, details_occurred_at, details_event_id, deactivated_at, deactivation_event_id)
      VALUES ('ada', 'dev-store', 'Ada Lovelace', 'ada@example.com', now(), 'e-1', NULL, NULL),
             ('gone', 'dev-store', 'Gone Person', 'gone@example.com', now(), 'e-2', now(), 'e-3')`);
    await earlier.query(`
      INSERT INTO notification_log (event_id, template, notification_id, event_type, tenant_id, consignor_id, recipient, status, attempts, last_error, skip_reason, message_id)
      VALUES ('e-4', 'item-sold', 'n-4', 'earnings.recorded', 'dev-store', 'ada', 'ada@example.com', 'failed', 1, '550 <ada@example.com> unknown', NULL, 'm-4'),
             ('e-5', 'item-sold', 'n-5', 'earnings.recorded', 'dev-store', 'gone', 'gone@example.com', 'sent', 1, NULL, NULL, 'm-5'),
             ('e-6', 'welcome', 'n-6', 'consignor.registered', 'dev-store', 'ada', NULL, 'skipped', 0, NULL, 'consignor email address is not valid: ada at example', 'm-6')`);
    await earlier.query(`
      INSERT INTO outbox_events (event_id, event_type, topic, record_key, payload, published_at)
      VALUES ('o-1', 'notification.failed', 'notifications.v1', 'ada', 'ada@example.com'::bytea, now()),
             ('o-2', 'notification.sent', 'notifications.v1', 'ada', 'pending'::bytea, NULL)`);
    await earlier.destroy();
    dataSource = await open(notificationMigrations(keys));
    expect(await migrateDatabase(dataSource)).toEqual([
      'CreatePersonalDataKeys1764362000000',
      'EncryptNotificationPersonalData1764362200000',
    ]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('leaves no address or name in the clear, in any column of the contacts, the log or the published outbox', async () => {
    for (const table of ['notification_contacts', 'notification_log', 'outbox_events']) {
      const rows: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM ${table} t`);
      expect(rows.filter(({ row }) => /@example\.com|Lovelace|Gone Person/.test(row)).map(({ row }) => row)).toEqual([]);
    }
    expect(await dataSource.query('SELECT event_id, length(payload) AS bytes FROM outbox_events ORDER BY event_id')).toEqual([
      { event_id: 'o-1', bytes: 0 },
      { event_id: 'o-2', bytes: 7 },
    ]);
  });

  it('reads the sealed values back, and shows the consignor deactivated before as erased', async () => {
    expect(await findContact(dataSource.manager, keys, 'ada')).toMatchObject({
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      erased: false,
    });
    expect(await findContact(dataSource.manager, keys, 'gone')).toMatchObject({
      displayName: null,
      email: null,
      erased: true,
      active: false,
    });
    const log = await findNotifications(dataSource.manager, keys, { limit: 10, uncertainAfterMs: 60_000 });
    const byEvent = Object.fromEntries(
      log.map(({ eventId, recipient, lastError, skipReason, erased }) => [eventId, { recipient, lastError, skipReason, erased }]),
    );
    expect(byEvent).toEqual({
      'e-4': { recipient: 'ada@example.com', lastError: '550 <ada@example.com> unknown', skipReason: null, erased: false },
      'e-5': { recipient: null, lastError: null, skipReason: null, erased: true },
      'e-6': { recipient: null, lastError: null, skipReason: 'consignor email address is not valid', erased: false },
    });
  });
});
