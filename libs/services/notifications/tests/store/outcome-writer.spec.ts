import type { DataSource, EntityManager } from 'typeorm';
import { events, type PlatformEvent } from '@consign/contracts';
import { EventCodec } from '@consign/kafka';
import { appendEventsToOutbox } from '@consign/outbox';
import { developmentKeyEncryptionKeys as keys, openPersonalData } from '@consign/personal-data';
import { testEndpoints } from '@consign/test-support';
import {
  createSmtpMailer,
  notificationTemplatesDir,
  notifyItemSold,
  NotificationOutcomeWriter,
  recordConsignorRegistered,
  type NotificationDeps,
} from '@consign/notifications';
import { consignorSubject } from '../../src/domain/contact';
import { messageIdFor, notificationIdFor } from '../../src/domain/notification-content';
import { notificationSent } from '../../src/domain/notification-events';
import { claimNotification } from '../../src/store/notification-log';
import type { AttemptRecord } from '../../src/store/outcome-writer';
import { notificationDatabase } from '../support/notification-database';
import { consignorRegistered, earningsRecorded, metadata } from '../support/sample-events';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay';

/** Real PostgreSQL, a real SMTP relay, and the real outbox writer with schemas from the real registry. */
describe('NotificationOutcomeWriter: the outcomes of concurrent attempts share transactions', () => {
  let db: { dataSource: DataSource; close(): Promise<void> };
  let relay: SmtpRelay;
  let mailer: ReturnType<typeof createSmtpMailer>;
  let codec: EventCodec;
  let publish: NotificationDeps['publish'];
  const writers: NotificationOutcomeWriter[] = [];

  beforeAll(async () => {
    db = await notificationDatabase('consign_notification_outcomes_test');
    relay = await startSmtpRelay();
    mailer = createSmtpMailer({ url: relay.url, tls: 'none', maxConnections: 8 });
    codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    await codec.register([events.notificationSent, events.notificationFailed]);
    publish = (manager: EntityManager, pending: PlatformEvent[]) => appendEventsToOutbox(manager, codec, pending);
  });

  afterAll(async () => {
    await Promise.all(writers.map((writer) => writer.close()));
    mailer?.close();
    await relay?.stop();
    await db?.close();
  });

  function writer(options: Partial<ConstructorParameters<typeof NotificationOutcomeWriter>[0]> = {}): NotificationOutcomeWriter {
    const created = new NotificationOutcomeWriter({ dataSource: db.dataSource, publish, ...options });
    writers.push(created);
    return created;
  }

  function depsWith(outcomeWriter: NotificationOutcomeWriter): NotificationDeps {
    return {
      dataSource: db.dataSource,
      mailer,
      templatesDir: notificationTemplatesDir,
      from: 'no-reply@consign.test',
      publish,
      personalDataKeys: keys,
      outcomeWriter,
    };
  }

  let consignors = 0;
  async function registeredConsignors(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `writer-consignor-${(consignors += 1)}`);
    for (const id of ids)
      await recordConsignorRegistered(db.dataSource.manager, keys, consignorRegistered(id, { email: `${id}@example.com` }));
    return ids;
  }

  async function statuses(eventIds: string[]): Promise<Record<string, string>> {
    const rows: { event_id: string; status: string }[] = await db.dataSource.query(
      'SELECT event_id, status FROM notification_log WHERE event_id = ANY($1::text[])',
      [eventIds],
    );
    return Object.fromEntries(rows.map((row) => [row.event_id, row.status]));
  }

  /** The outbox's events of one type about these notifications, decoded: notificationId per outbox row. */
  async function outboxNotificationIds(type: string, notificationIds: string[]): Promise<string[]> {
    const rows: { payload: Buffer }[] = await db.dataSource.query('SELECT payload FROM outbox_events WHERE event_type = $1 ORDER BY id', [
      type,
    ]);
    const wanted = new Set(notificationIds);
    const decoded = await Promise.all(
      rows.map(async (row) => (await codec.decode<{ notificationId: string }>(row.payload)).value.notificationId),
    );
    return decoded.filter((id) => wanted.has(id)).sort();
  }

  it('records 40 concurrent sends in fewer transactions, every row sent and every NotificationSent in the outbox once', async () => {
    const outcomes = writer();
    const deps = depsWith(outcomes);
    const sold = (await registeredConsignors(10)).flatMap((id) => Array.from({ length: 4 }, () => earningsRecorded(id)));
    const eventIds = sold.map((event) => event.metadata.eventId);
    const notificationIds = eventIds.map((eventId) => notificationIdFor(eventId, 'item-sold')).sort();

    expect(await Promise.all(sold.map((event) => notifyItemSold(deps, event)))).toEqual(sold.map(() => 'sent'));

    expect(Object.values(await statuses(eventIds))).toEqual(sold.map(() => 'sent'));
    expect(await outboxNotificationIds('notification.sent', notificationIds)).toEqual(notificationIds);
    const { transactions, records } = outcomes.stats();
    expect(records).toBe(40);
    expect(transactions).toBeLessThan(records);

    // A redelivery of every event sends nothing and publishes nothing again.
    expect(await Promise.all(sold.map((event) => notifyItemSold(deps, event)))).toEqual(sold.map(() => 'duplicate'));
    expect(await outboxNotificationIds('notification.sent', notificationIds)).toEqual(notificationIds);
    const delivered = new Set(notificationIds.map((id) => messageIdFor(id)));
    expect(relay.received.filter((mail) => delivered.has(mail.parsed.messageId ?? ''))).toHaveLength(40);
  });

  it('records refusals and sends together: failed rows with their sealed error, NotificationFailed and NotificationSent each once', async () => {
    const deps = depsWith(writer());
    const sold = (await registeredConsignors(12)).map((id) => earningsRecorded(id));
    const eventIds = sold.map((event) => event.metadata.eventId);
    relay.rejectNext(3);

    const settled = await Promise.allSettled(sold.map((event) => notifyItemSold(deps, event)));
    const refused = sold.filter((_, n) => settled[n]?.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const result of settled)
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'notification.smtp_failed', category: 'transient' });

    const byEvent = await statuses(eventIds);
    expect(Object.values(byEvent).sort()).toEqual([...Array(3).fill('failed'), ...Array(9).fill('sent')]);
    for (const event of refused) expect(byEvent[event.metadata.eventId]).toBe('failed');
    const failedRows: { consignor_id: string; sealed_last_error: Buffer; last_error_code: string }[] = await db.dataSource.query(
      `SELECT consignor_id, sealed_last_error, last_error_code FROM notification_log WHERE event_id = ANY($1::text[]) AND status = 'failed'`,
      [eventIds],
    );
    const opened = await openPersonalData(
      db.dataSource.manager,
      keys,
      failedRows.map((row) => consignorSubject(row.consignor_id)),
    );
    for (const row of failedRows) {
      expect(row.last_error_code).toBe('451');
      expect(opened.text(row.sealed_last_error)).toMatch(/mailbox temporarily unavailable/);
    }
    const idsOf = (list: typeof sold) => list.map((event) => notificationIdFor(event.metadata.eventId, 'item-sold')).sort();
    expect(await outboxNotificationIds('notification.failed', idsOf(sold))).toEqual(idsOf(refused));
    expect(await outboxNotificationIds('notification.sent', idsOf(sold))).toEqual(idsOf(sold.filter((event) => !refused.includes(event))));
  });

  it('fails every attempt of a failed transaction, leaving their rows sending, never to be sent again', async () => {
    const failing = writer({
      publish: async () => {
        throw new Error('outbox unavailable');
      },
    });
    const sold = (await registeredConsignors(8)).map((id) => earningsRecorded(id));
    const eventIds = sold.map((event) => event.metadata.eventId);

    const settled = await Promise.allSettled(sold.map((event) => notifyItemSold(depsWith(failing), event)));
    expect(settled.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : result.value))).toEqual(
      sold.map(() => 'outbox unavailable'),
    );
    expect(Object.values(await statuses(eventIds))).toEqual(sold.map(() => 'sending'));
    expect(failing.stats().records).toBe(8);

    // The consumer's retry finds each claimed: the emails already went out once.
    const deps = depsWith(writer());
    expect(await Promise.all(sold.map((event) => notifyItemSold(deps, event)))).toEqual(sold.map(() => 'duplicate'));
    const sent = new Set(eventIds.map((eventId) => messageIdFor(notificationIdFor(eventId, 'item-sold'))));
    expect(relay.received.filter((mail) => sent.has(mail.parsed.messageId ?? ''))).toHaveLength(8);
  });

  describe('writing records directly', () => {
    /** A claimed (`sending`) row and the record that says it was sent. */
    async function claimedRecord(consignorId: string): Promise<AttemptRecord> {
      const cause = metadata('earnings.recorded');
      const notificationId = notificationIdFor(cause.eventId, 'item-sold');
      const claim = await claimNotification(db.dataSource.manager, keys, {
        eventId: cause.eventId,
        template: 'item-sold',
        notificationId,
        eventType: cause.eventType,
        tenantId: cause.tenantId,
        consignorId,
        recipient: `${consignorId}@example.com`,
        messageId: messageIdFor(notificationId),
        status: 'sending',
        skipReason: null,
      });
      expect(claim).toEqual({ attempt: 1 });
      return {
        outcome: { eventId: cause.eventId, template: 'item-sold', status: 'sent', providerMessageId: null },
        event: notificationSent(cause, { notificationId, consignorId, template: 'item-sold', attempt: 1, at: Date.now() }, null),
      };
    }

    it('puts what is written in the same turn into one transaction, and a failure of it rejects every waiter', async () => {
      const [id] = await registeredConsignors(1);
      const records = await Promise.all(Array.from({ length: 5 }, () => claimedRecord(id as string)));
      const failing = writer({
        publish: async () => {
          throw new Error('outbox unavailable');
        },
      });
      const settled = await Promise.allSettled(records.map((record) => failing.write(record)));
      expect(settled.map((result) => result.status)).toEqual(records.map(() => 'rejected'));
      expect(failing.stats()).toEqual({ transactions: 1, records: 5 });
      expect(Object.values(await statuses(records.map((record) => record.outcome.eventId)))).toEqual(records.map(() => 'sending'));

      const working = writer();
      await Promise.all(records.map((record) => working.write(record)));
      expect(working.stats()).toEqual({ transactions: 1, records: 5 });
      expect(Object.values(await statuses(records.map((record) => record.outcome.eventId)))).toEqual(records.map(() => 'sent'));
    });

    it('takes at most maxBatch records per transaction', async () => {
      const [id] = await registeredConsignors(1);
      const records = await Promise.all(Array.from({ length: 5 }, () => claimedRecord(id as string)));
      const small = writer({ maxBatch: 2 });
      await Promise.all(records.map((record) => small.write(record)));
      expect(small.stats()).toEqual({ transactions: 3, records: 5 });
    });

    it('writes what is waiting before close() resolves, and refuses records after it', async () => {
      const [id] = await registeredConsignors(1);
      const [waiting, late] = await Promise.all([claimedRecord(id as string), claimedRecord(id as string)]);
      const closing = writer();
      const written = closing.write(waiting as AttemptRecord);
      await closing.close();
      await written;
      expect(await statuses([(waiting as AttemptRecord).outcome.eventId])).toEqual({
        [(waiting as AttemptRecord).outcome.eventId]: 'sent',
      });
      await expect(closing.write(late as AttemptRecord)).rejects.toMatchObject({
        code: 'notification.outcome_writer_closed',
        category: 'transient',
      });
      expect(await statuses([(late as AttemptRecord).outcome.eventId])).toEqual({ [(late as AttemptRecord).outcome.eventId]: 'sending' });
    });
  });
});
