import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import { fuzzApi, FuzzTally, startGuardedServer, TestServer } from '@consign/test-support';
import type { DataSource } from 'typeorm';
import { messageIdFor, notificationIdFor, recordConsignorRegistered, createNotificationReadRouter } from '@consign/notifications';
import { claimNotification, markNotificationFailed, reportedNotificationStatuses } from '../../src/store/notification-log';
import { notificationDatabase } from '../support/notification-database';
import { consignorRegistered } from '../support/sample-events';

/**
 * The notification read API behind the real key check, over a real database holding a contact and
 * a sending and a failed notification: generated requests never get a 5xx, and nothing without a key.
 */
const runs = 150;
const tally = new FuzzTally();
const startedAt = Date.now();
const notificationIds = ['e-sending', 'e-failed'].map((eventId) => notificationIdFor(eventId, 'item-sold'));
let db: { dataSource: DataSource; close(): Promise<void> };
let server: TestServer;

beforeAll(async () => {
  db = await notificationDatabase('consign_notification_fuzz');
  const { manager } = db.dataSource;
  await recordConsignorRegistered(manager, keys, consignorRegistered('ada', { email: 'ada@example.com' }));
  for (const [index, eventId] of ['e-sending', 'e-failed'].entries()) {
    const notificationId = notificationIds[index];
    await claimNotification(manager, keys, {
      eventId,
      template: 'item-sold',
      notificationId,
      eventType: 'earnings.recorded',
      tenantId: 'dev-store',
      consignorId: 'ada',
      recipient: 'ada@example.com',
      messageId: messageIdFor(notificationId),
      status: 'sending',
      skipReason: null,
    });
  }
  await markNotificationFailed(
    manager,
    keys,
    { eventId: 'e-failed', template: 'item-sold', consignorId: 'ada' },
    '451 <ada@example.com> mailbox busy',
    '451',
  );
  server = await startGuardedServer('notification-service', (http) =>
    http.app.use(http.guard('read'), createNotificationReadRouter(db.dataSource, keys)),
  );
});

afterAll(async () => {
  await server?.close();
  await db?.close();
  console.log(tally.summary('notification read API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  await fuzzApi(
    tally,
    'notifications',
    server.base,
    {
      scopes: ['read'],
      routes: [
        { method: 'GET', path: '/notifications', query: ['consignorId', 'status', 'limit'] },
        { method: 'GET', path: '/notifications/:id' },
        { method: 'GET', path: '/contacts/:consignorId' },
      ],
      knownValues: { consignorId: ['ada', 'bob'], id: notificationIds, status: reportedNotificationStatuses, limit: ['1', '500', '501'] },
    },
    runs,
  );
  expect(tally.count('notifications')).toBeGreaterThanOrEqual(runs);
}, 60_000);
