import type { DataSource } from 'typeorm';
import { migrateDatabase } from '@consign/database';
import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import { consignorDeactivated, consignorRegistered, consignorUpdated } from '../support/sample-events';
import { notificationDatabase } from '../support/notification-database';
import { findContact, recordConsignorDeactivated, recordConsignorRegistered, recordConsignorUpdated } from '../../src/store/contacts';

const at = (iso: string): number => Date.parse(iso);

describe('contact projection (real PostgreSQL)', () => {
  let db: { dataSource: DataSource; close(): Promise<void> };

  beforeAll(async () => {
    db = await notificationDatabase('consign_notification_contacts_test');
  });

  afterAll(async () => {
    await db?.close();
  });

  it('has applied every migration once', async () => {
    expect(await migrateDatabase(db.dataSource)).toEqual([]);
  });

  it('records a registration and the newer update, and ignores a stale update', async () => {
    const { manager } = db.dataSource;
    await recordConsignorRegistered(manager, keys, consignorRegistered('c-1', {}, { occurredAt: at('2026-11-28T10:00:00Z') }));
    await recordConsignorUpdated(
      manager,
      keys,
      consignorUpdated('c-1', { email: 'new@example.com', displayName: 'Ada L.' }, { occurredAt: at('2026-11-28T12:00:00Z') }),
    );
    await recordConsignorUpdated(
      manager,
      keys,
      consignorUpdated('c-1', { email: 'stale@example.com' }, { occurredAt: at('2026-11-28T11:00:00Z') }),
    );
    expect(await findContact(manager, keys, 'c-1')).toEqual({
      consignorId: 'c-1',
      tenantId: 'dev-store',
      displayName: 'Ada L.',
      email: 'new@example.com',
      erased: false,
      active: true,
      deactivationReason: null,
      detailsOccurredAt: new Date('2026-11-28T12:00:00Z'),
      deactivatedAt: null,
    });
  });

  it('ends in the same state whatever order the events arrive in, and repeats change nothing', async () => {
    const { manager } = db.dataSource;
    const registered = consignorRegistered('c-2', { email: 'first@example.com' }, { occurredAt: at('2026-11-28T10:00:00Z') });
    const updated = consignorUpdated('c-2', { email: 'second@example.com' }, { occurredAt: at('2026-11-28T10:05:00Z') });
    const sameTime = consignorUpdated('c-2', { email: 'tie@example.com' }, { occurredAt: at('2026-11-28T10:05:00Z') });
    await recordConsignorUpdated(manager, keys, updated);
    await recordConsignorUpdated(manager, keys, sameTime);
    await recordConsignorRegistered(manager, keys, registered);
    await recordConsignorUpdated(manager, keys, updated);
    const winner = [updated, sameTime].sort((a, b) => (a.metadata.eventId < b.metadata.eventId ? 1 : -1))[0];
    expect((await findContact(manager, keys, 'c-2'))?.email).toBe(winner?.consignor.email);
  });

  it('keeps a deactivation whatever comes after it, including an earlier-dated registration, and stores no details after it', async () => {
    const { manager } = db.dataSource;
    await recordConsignorDeactivated(manager, consignorDeactivated('c-3', { occurredAt: at('2026-11-28T12:00:00Z') }, 'moved away'));
    expect(await findContact(manager, keys, 'c-3')).toMatchObject({
      active: false,
      email: null,
      erased: true,
      detailsOccurredAt: null,
      deactivationReason: 'moved away',
    });
    await recordConsignorRegistered(manager, keys, consignorRegistered('c-3', {}, { occurredAt: at('2026-11-28T10:00:00Z') }));
    await recordConsignorUpdated(
      manager,
      keys,
      consignorUpdated('c-3', { email: 'later@example.com' }, { occurredAt: at('2026-11-28T13:00:00Z') }),
    );
    await recordConsignorDeactivated(manager, consignorDeactivated('c-3', { occurredAt: at('2026-11-28T14:00:00Z') }, 'second'));
    expect(await findContact(manager, keys, 'c-3')).toMatchObject({
      active: false,
      email: null,
      displayName: null,
      erased: true,
      detailsOccurredAt: new Date('2026-11-28T13:00:00Z'),
      deactivationReason: 'moved away',
      deactivatedAt: new Date('2026-11-28T12:00:00Z'),
    });
    expect(
      await db.dataSource.query("SELECT sealed_display_name, sealed_email FROM notification_contacts WHERE consignor_id = 'c-3'"),
    ).toEqual([{ sealed_display_name: null, sealed_email: null }]);
  });

  it('stores the name and address sealed, and erases them at the deactivation: unreadable, marked erased', async () => {
    const { manager } = db.dataSource;
    await recordConsignorRegistered(
      manager,
      keys,
      consignorRegistered('c-4', { email: 'grace@example.com', displayName: 'Grace Hopper' }, { occurredAt: at('2026-11-28T10:00:00Z') }),
    );
    const stored = async (): Promise<string> =>
      JSON.stringify(
        await db.dataSource.query(
          "SELECT encode(sealed_display_name, 'escape') AS n, encode(sealed_email, 'escape') AS e FROM notification_contacts WHERE consignor_id = 'c-4'",
        ),
      );
    expect(await stored()).not.toMatch(/grace|Hopper/);
    expect(await findContact(manager, keys, 'c-4')).toMatchObject({
      email: 'grace@example.com',
      displayName: 'Grace Hopper',
      erased: false,
    });
    await recordConsignorDeactivated(
      manager,
      consignorDeactivated('c-4', { occurredAt: at('2026-11-28T11:00:00Z') }, 'Clerk user deleted'),
    );
    expect(await findContact(manager, keys, 'c-4')).toMatchObject({ email: null, displayName: null, erased: true, active: false });
    expect(await db.dataSource.query("SELECT kek_id, wrapped_key FROM personal_data_keys WHERE subject = 'consignor:c-4'")).toEqual([
      { kek_id: null, wrapped_key: null },
    ]);
    expect(await stored()).not.toMatch(/grace|Hopper/);
  });

  it('knows nothing of a consignor it has no event of', async () => {
    expect(await findContact(db.dataSource.manager, keys, 'nobody')).toBeUndefined();
  });
});
