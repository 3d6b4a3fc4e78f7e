import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import { startTestServer, TestServer } from '@consign/test-support';
import type { DataSource } from 'typeorm';
import {
  messageIdFor,
  notificationIdFor,
  type NotificationTemplate,
  recordConsignorDeactivated,
  recordConsignorRegistered,
  createNotificationReadRouter,
} from '@consign/notifications';
import { claimNotification, deferNotification, markNotificationFailed, markNotificationSent } from '../../src/store/notification-log';
import { notificationDatabase } from '../support/notification-database';
import { consignorDeactivated, consignorRegistered, metadata } from '../support/sample-events';

describe('notification read API (real PostgreSQL)', () => {
  let db: { dataSource: DataSource; close(): Promise<void> };
  let server: TestServer;
  let base: string;

  async function claim(eventId: string, consignorId: string, template: NotificationTemplate = 'item-sold'): Promise<string> {
    const notificationId = notificationIdFor(eventId, template);
    await claimNotification(db.dataSource.manager, keys, {
      eventId,
      template,
      notificationId,
      eventType: 'earnings.recorded',
      tenantId: 'dev-store',
      consignorId,
      recipient: `${consignorId}@example.com`,
      messageId: messageIdFor(notificationId),
      status: 'sending',
      skipReason: null,
    });
    return notificationId;
  }

  beforeAll(async () => {
    db = await notificationDatabase('consign_notification_api_test');
    const { manager } = db.dataSource;
    await recordConsignorRegistered(manager, keys, consignorRegistered('ada', { email: 'ada@example.com' }));
    await claim('e-sent', 'ada');
    await markNotificationSent(manager, { eventId: 'e-sent', template: 'item-sold' }, 'Q1');
    await claim('e-failed', 'ada');
    await markNotificationFailed(
      manager,
      keys,
      { eventId: 'e-failed', template: 'item-sold', consignorId: 'ada' },
      '451 <ada@example.com> mailbox busy',
      '451',
    );
    await claim('e-stuck', 'bob');
    await manager.query(`UPDATE notification_log SET last_attempt_at = now() - interval '1 hour' WHERE event_id = 'e-stuck'`);
    await claim('e-sending', 'bob');
    const awaitingId = notificationIdFor('e-awaiting', 'item-sold');
    await deferNotification(manager, {
      eventId: 'e-awaiting',
      template: 'item-sold',
      notificationId: awaitingId,
      consignorId: 'carol',
      messageId: messageIdFor(awaitingId),
      cause: metadata('earnings.recorded', { eventId: 'e-awaiting' }),
      values: { itemTitle: 'Scarf' },
    });

    server = await startTestServer(
      'notification-read-test',
      createNotificationReadRouter(db.dataSource, keys, { uncertainAfterMs: 5 * 60_000 }),
    );
    base = server.base;
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  async function get(path: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
  }

  const eventIdsOf = (body: Record<string, unknown>): string[] =>
    (body.notifications as { eventId: string }[]).map((n) => n.eventId).sort();

  it('lists the log, a crash-stranded send reported as uncertain', async () => {
    const { status, body } = await get('/notifications');
    expect(status).toBe(200);
    const byEvent = Object.fromEntries((body.notifications as { eventId: string; status: string }[]).map((n) => [n.eventId, n.status]));
    expect(byEvent).toEqual({
      'e-sent': 'sent',
      'e-failed': 'failed',
      'e-stuck': 'uncertain',
      'e-sending': 'sending',
      'e-awaiting': 'awaiting_contact',
    });
  });

  it('filters by consignor and by status, uncertain included', async () => {
    expect(eventIdsOf((await get('/notifications?consignorId=ada')).body)).toEqual(['e-failed', 'e-sent']);
    expect(eventIdsOf((await get('/notifications?status=uncertain')).body)).toEqual(['e-stuck']);
    expect(eventIdsOf((await get('/notifications?status=sending')).body)).toEqual(['e-sending']);
    expect(eventIdsOf((await get('/notifications?status=awaiting_contact')).body)).toEqual(['e-awaiting']);
    expect(eventIdsOf((await get('/notifications?consignorId=ada&status=failed&limit=1')).body)).toEqual(['e-failed']);
  });

  it('refuses an unknown status or a bad limit as problems', async () => {
    const badStatus = await get('/notifications?status=lost');
    expect(badStatus.status).toBe(400);
    expect(badStatus.type).toMatch(/application\/problem\+json/);
    expect(badStatus.body.code).toBe('notification.query_invalid');
    expect((await get('/notifications?limit=0')).status).toBe(400);
    expect((await get('/notifications?status=sent&status=failed')).status).toBe(400);
  });

  it('shows one notification with its attempts and outcome', async () => {
    const id = notificationIdFor('e-failed', 'item-sold');
    const { status, body } = await get(`/notifications/${id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      notificationId: id,
      eventId: 'e-failed',
      template: 'item-sold',
      consignorId: 'ada',
      recipient: 'ada@example.com',
      erased: false,
      status: 'failed',
      attempts: 1,
      lastError: '451 <ada@example.com> mailbox busy',
      lastErrorCode: '451',
      messageId: messageIdFor(id),
    });
    expect((await get(`/notifications/${notificationIdFor('e-sent', 'item-sold')}`)).body).toMatchObject({
      status: 'sent',
      providerMessageId: 'Q1',
    });
    expect((await get(`/notifications/${notificationIdFor('e-awaiting', 'item-sold')}`)).body).toMatchObject({
      eventId: 'e-awaiting',
      eventType: 'earnings.recorded',
      consignorId: 'carol',
      recipient: null,
      status: 'awaiting_contact',
      attempts: 0,
    });
    const missing = await get('/notifications/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('notification.not_found');
  });

  it('stores recipients and SMTP errors sealed', async () => {
    const rows: { text: string }[] = await db.dataSource.query(
      "SELECT concat(encode(sealed_recipient, 'escape'), encode(sealed_last_error, 'escape')) AS text FROM notification_log WHERE sealed_recipient IS NOT NULL",
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.text.includes('@example.com'))).toEqual([]);
  });

  it('shows an erased consignor as erased, with no address, and the rest of its log as it was', async () => {
    await claim('e-erased', 'erin');
    await markNotificationSent(db.dataSource.manager, { eventId: 'e-erased', template: 'item-sold' }, 'Q2');
    await recordConsignorDeactivated(db.dataSource.manager, consignorDeactivated('erin', {}, 'Clerk user deleted'));
    expect((await get(`/notifications?consignorId=erin`)).body).toEqual({
      notifications: [
        expect.objectContaining({
          eventId: 'e-erased',
          consignorId: 'erin',
          recipient: null,
          erased: true,
          status: 'sent',
          providerMessageId: 'Q2',
          attempts: 1,
        }),
      ],
    });
    expect((await get('/contacts/erin')).body).toMatchObject({
      consignorId: 'erin',
      email: null,
      displayName: null,
      erased: true,
      active: false,
    });
  });

  it('shows a consignor contact, 404 for an unknown one', async () => {
    expect((await get('/contacts/ada')).body).toMatchObject({ consignorId: 'ada', email: 'ada@example.com', erased: false, active: true });
    const missing = await get('/contacts/nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('notification.contact_not_found');
  });
});
