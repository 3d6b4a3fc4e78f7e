import type { DataSource } from 'typeorm';
import { migrateDatabase } from '@consign/database';
import { consignorDeactivated, consignorRegistered, consignorUpdated } from '../testing/sample-events';
import { notificationDatabase } from '../testing/notification-database';
import { findContact, recordConsignorDeactivated, recordConsignorRegistered, recordConsignorUpdated } from './contacts';

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
    await recordConsignorRegistered(manager, consignorRegistered('c-1', {}, { occurredAt: at('2026-11-28T10:00:00Z') }));
    await recordConsignorUpdated(manager, consignorUpdated('c-1', { email: 'new@example.com', displayName: 'Ada L.' }, { occurredAt: at('2026-11-28T12:00:00Z') }));
    await recordConsignorUpdated(manager, consignorUpdated('c-1', { email: 'stale@example.com' }, { occurredAt: at('2026-11-28T11:00:00Z') }));
    expect(await findContact(manager, 'c-1')).toEqual({
      consignorId: 'c-1',
      tenantId: 'dev-store',
      displayName: 'Ada L.',
      email: 'new@example.com',
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
    await recordConsignorUpdated(manager, updated);
    await recordConsignorUpdated(manager, sameTime);
    await recordConsignorRegistered(manager, registered);
    await recordConsignorUpdated(manager, updated);
    const winner = [updated, sameTime].sort((a, b) => (a.metadata.eventId < b.metadata.eventId ? 1 : -1))[0];
    expect((await findContact(manager, 'c-2'))?.email).toBe(winner?.consignor.email);
  });

  it('keeps a deactivation whatever comes after it, including an earlier-dated registration', async () => {
    const { manager } = db.dataSource;
    await recordConsignorDeactivated(manager, consignorDeactivated('c-3', { occurredAt: at('2026-11-28T12:00:00Z') }, 'moved away'));
    expect(await findContact(manager, 'c-3')).toMatchObject({ active: false, email: null, detailsOccurredAt: null, deactivationReason: 'moved away' });
    await recordConsignorRegistered(manager, consignorRegistered('c-3', {}, { occurredAt: at('2026-11-28T10:00:00Z') }));
    await recordConsignorUpdated(manager, consignorUpdated('c-3', { email: 'later@example.com' }, { occurredAt: at('2026-11-28T13:00:00Z') }));
    await recordConsignorDeactivated(manager, consignorDeactivated('c-3', { occurredAt: at('2026-11-28T14:00:00Z') }, 'second'));
    expect(await findContact(manager, 'c-3')).toMatchObject({
      active: false,
      email: 'later@example.com',
      deactivationReason: 'moved away',
      deactivatedAt: new Date('2026-11-28T12:00:00Z'),
    });
  });

  it('knows nothing of a consignor it has no event of', async () => {
    expect(await findContact(db.dataSource.manager, 'nobody')).toBeUndefined();
  });
});
