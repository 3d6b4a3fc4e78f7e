import type { DataSource, EntityManager } from 'typeorm';
import { Registry } from 'prom-client';
import { metricTotal } from '@consign/test-support';
import type { PlatformEvent } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { developmentKeyEncryptionKeys as keys, openPersonalData, personalDataSealer } from '@consign/personal-data';
import { consignorSubject } from '../../src/domain/contact';
import { itemSoldValues, messageIdFor, notificationIdFor, type NotificationTemplate } from '../../src/domain/notification-content';
import {
  recordConsignorDeactivated,
  recordConsignorRegistered,
  type NotificationDeps,
  createSmtpMailer,
  emailMetrics,
  notifyConsignorRegistered,
  notifyEarningsReversed,
  notifyItemSold,
  notifyItemsSold,
  sendAwaitingNotifications,
  notificationTemplatesDir,
} from '@consign/notifications';
import { notificationDatabase } from '../support/notification-database';
import { consignorDeactivated, consignorRegistered, earningsRecorded, earningsReversed, metadata } from '../support/sample-events';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay';

describe('notify (real PostgreSQL, real SMTP)', () => {
  let db: { dataSource: DataSource; close(): Promise<void> };
  let relay: SmtpRelay;
  let mailer: ReturnType<typeof createSmtpMailer>;
  let published: { event: PlatformEvent; inTransaction: boolean }[];
  let deps: NotificationDeps;

  const publish = async (manager: EntityManager, events: PlatformEvent[]): Promise<void> => {
    for (const event of events) published.push({ event, inTransaction: manager.queryRunner?.isTransactionActive === true });
  };

  beforeAll(async () => {
    db = await notificationDatabase('consign_notification_notify_test');
    relay = await startSmtpRelay();
    mailer = createSmtpMailer({ url: relay.url, tls: 'none' });
    deps = {
      dataSource: db.dataSource,
      mailer,
      templatesDir: notificationTemplatesDir,
      from: '"Consign Stream" <no-reply@consign.test>',
      publish,
      personalDataKeys: keys,
    };
  });

  afterAll(async () => {
    mailer?.close();
    await relay?.stop();
    await db?.close();
  });

  beforeEach(() => {
    published = [];
  });

  let consignorCount = 0;
  async function registeredConsignor(overrides: Parameters<typeof consignorRegistered>[1] = {}): Promise<{ id: string; email: string }> {
    consignorCount += 1;
    const id = `consignor-${consignorCount}`;
    const email = `consignor${consignorCount}@example.com`;
    await recordConsignorRegistered(db.dataSource.manager, keys, consignorRegistered(id, { email, ...overrides }));
    return { id, email };
  }

  function messagesFor(eventId: string, template: NotificationTemplate) {
    const messageId = messageIdFor(notificationIdFor(eventId, template));
    return relay.received.filter((m) => m.parsed.messageId === messageId);
  }

  /** The log row with its recipient and last error opened. */
  async function logRow(eventId: string, template: NotificationTemplate): Promise<Record<string, unknown>> {
    const rows: Record<string, unknown>[] = await db.dataSource.query(
      'SELECT * FROM notification_log WHERE event_id = $1 AND template = $2',
      [eventId, template],
    );
    if (!rows[0]) return {};
    const { sealed_recipient, sealed_last_error, ...row } = rows[0] as {
      sealed_recipient: Buffer | null;
      sealed_last_error: Buffer | null;
      consignor_id: string;
    };
    const opened = await openPersonalData(db.dataSource.manager, keys, [consignorSubject(row.consignor_id)]);
    return { ...row, recipient: opened.text(sealed_recipient), last_error: opened.text(sealed_last_error) };
  }

  /** The row says skipped, for `reason`, with no attempt and no recipient; the relay received nothing. */
  async function expectSkippedUnsent(eventId: string, template: NotificationTemplate, reason: string): Promise<void> {
    expect(await logRow(eventId, template)).toMatchObject({ status: 'skipped', attempts: 0, skip_reason: reason, recipient: null });
    expect(messagesFor(eventId, template)).toHaveLength(0);
  }

  it('sends the welcome email to the projected address, HTML-escaped, and records it', async () => {
    const { id, email } = await registeredConsignor({ displayName: 'Ada <Admin> & Co' });
    const event = consignorRegistered(id, { email: 'not-used@example.com' });
    expect(await notifyConsignorRegistered(deps, event)).toBe('sent');

    const [message] = messagesFor(event.metadata.eventId, 'welcome');
    const notificationId = notificationIdFor(event.metadata.eventId, 'welcome');
    expect(message?.to).toEqual([email]);
    expect(message?.parsed.subject).toBe('Welcome, Ada <Admin> & Co');
    expect(message?.parsed.text).toContain('Hello Ada <Admin> & Co,');
    expect(message?.parsed.html).toContain('Hello Ada &lt;Admin&gt; &amp; Co,');
    expect(message?.parsed.headers.get('x-consign-notification-id')).toBe(notificationId);

    expect(await logRow(event.metadata.eventId, 'welcome')).toMatchObject({
      notification_id: notificationId,
      consignor_id: id,
      recipient: email,
      status: 'sent',
      attempts: 1,
      provider_message_id: `Q${relay.received.length}`,
      last_error: null,
    });
    expect(published).toHaveLength(1);
    expect(published[0]?.inTransaction).toBe(true);
    expect(published[0]?.event.definition.type).toBe('notification.sent');
    expect(published[0]?.event.value).toMatchObject({
      notificationId,
      consignorId: id,
      template: 'welcome',
      attempt: 1,
      providerMessageId: `Q${relay.received.length}`,
    });
  });

  it('tells a consignor the item sold and what they earn, in the currency exponent', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id, { itemTitle: 'Kimono', consignorShare: { amountMinor: 15000, currency: 'JPY' } });
    expect(await notifyItemSold(deps, event)).toBe('sent');
    const [message] = messagesFor(event.metadata.eventId, 'item-sold');
    expect(message?.parsed.subject).toBe('Your item sold: Kimono');
    expect(message?.parsed.text).toContain('You earn ¥15,000.');
  });

  it('sends a cancellation notice on a reversal', async () => {
    const { id } = await registeredConsignor();
    const event = earningsReversed(id, { reason: 'order_cancelled', consignorShare: { amountMinor: 12000, currency: 'USD' } });
    expect(await notifyEarningsReversed(deps, event)).toBe('sent');
    const [message] = messagesFor(event.metadata.eventId, 'earnings-reversed');
    expect(message?.parsed.text).toContain('was taken back because the order was cancelled');
    expect(message?.parsed.text).toContain('$120.00 is no longer owed to you');
  });

  it('sends one email per event when called again', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id);
    expect(await notifyItemSold(deps, event)).toBe('sent');
    expect(await notifyItemSold(deps, event)).toBe('duplicate');
    expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('sends one email per event when called concurrently', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => notifyItemSold(deps, event)));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
    expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
  });

  it('records a rejected message as failed, throws a transient error, and succeeds on the next attempt', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id);
    relay.rejectNext(1);
    const failure = await notifyItemSold(deps, event).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ code: 'notification.smtp_failed', category: 'transient' });
    expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(0);
    expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'failed', attempts: 1, last_error_code: '451' });
    expect((await logRow(event.metadata.eventId, 'item-sold')).last_error).toMatch(/mailbox temporarily unavailable/);
    expect(published.map((p) => [p.event.definition.type, p.inTransaction])).toEqual([['notification.failed', true]]);
    expect(published[0]?.event.value).toMatchObject({ attempt: 1, errorCode: '451', willRetry: true });

    expect(await notifyItemSold(deps, event)).toBe('sent');
    expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
    expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(published[1]?.event.value).toMatchObject({ attempt: 2 });
    expect(await notifyItemSold(deps, event)).toBe('duplicate');
  });

  it('says a failure will not be retried on the last attempt', async () => {
    const { id } = await registeredConsignor();
    relay.rejectNext(1);
    await expect(notifyItemSold({ ...deps, maxAttempts: 1 }, earningsRecorded(id))).rejects.toMatchObject({
      code: 'notification.smtp_failed',
    });
    expect(published[0]?.event.value).toMatchObject({ willRetry: false });
  });

  it('sends nothing to a deactivated consignor and records why', async () => {
    const { id } = await registeredConsignor();
    await recordConsignorDeactivated(db.dataSource.manager, consignorDeactivated(id, {}, 'closed account'));
    const sold = earningsRecorded(id);
    const reversed = earningsReversed(id);
    expect(await notifyItemSold(deps, sold)).toBe('skipped');
    expect(await notifyEarningsReversed(deps, reversed)).toBe('skipped');
    expect(await notifyItemSold(deps, sold)).toBe('duplicate');
    await expectSkippedUnsent(sold.metadata.eventId, 'item-sold', 'consignor deactivated: closed account');
    expect(messagesFor(reversed.metadata.eventId, 'earnings-reversed')).toHaveLength(0);
    expect(published).toEqual([]);
  });

  it('records an email received longer ago than maxEventAgeMs as skipped, alone or in a run, and sends it never', async () => {
    const { id } = await registeredConsignor();
    const receivedAt = Date.parse('2026-11-28T10:00:01Z');
    // An hour after the sample events' receipt, with a limit of a minute: a rebuild's view of old history.
    const late: NotificationDeps = { ...deps, maxEventAgeMs: 60_000, now: () => receivedAt + 3_600_000 };
    const alone = earningsRecorded(id);
    const inRun = [earningsRecorded(id), earningsRecorded(id)];
    const fresh = earningsRecorded(id, { metadata: metadata('earnings.recorded', { receivedAt: receivedAt + 3_590_000 }) });
    const ofUnknownConsignor = earningsRecorded('consignor-not-projected-yet');

    expect(await notifyItemSold(late, alone)).toBe('skipped');
    expect(await notifyItemsSold(late, [...inRun, fresh])).toEqual(['skipped', 'skipped', 'sent']);
    // Skipped, not deferred: nothing waits for the contact to send it late.
    expect(await notifyItemSold(late, ofUnknownConsignor)).toBe('skipped');
    expect(await notifyItemSold(late, alone)).toBe('duplicate');

    for (const event of [alone, ...inRun, ofUnknownConsignor])
      await expectSkippedUnsent(
        event.metadata.eventId,
        'item-sold',
        'too late to send: its event was received 1 h ago, more than NOTIFICATION_MAX_EVENT_AGE (1 min)',
      );
    expect(messagesFor(fresh.metadata.eventId, 'item-sold')).toHaveLength(1);
  });

  it('skips a notification that failed before if the consignor was deactivated since', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id);
    relay.rejectNext(1);
    await expect(notifyItemSold(deps, event)).rejects.toMatchObject({ code: 'notification.smtp_failed' });
    await recordConsignorDeactivated(db.dataSource.manager, consignorDeactivated(id));
    expect(await notifyItemSold(deps, event)).toBe('skipped');
    expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'skipped', attempts: 1 });
  });

  it('never resends a message whose outcome was not recorded (crash after sending)', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id);
    const failingPublish = async (): Promise<void> => {
      throw new Error('outbox unavailable');
    };
    await expect(notifyItemSold({ ...deps, publish: failingPublish }, event)).rejects.toThrow('outbox unavailable');
    expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await notifyItemSold(deps, event)).toBe('duplicate');
    expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
  });

  it('fails transiently, before claiming anything, when a template cannot be read', async () => {
    const { id } = await registeredConsignor();
    const event = earningsRecorded(id);
    await expect(notifyItemSold({ ...deps, templatesDir: '/nonexistent' }, event)).rejects.toMatchObject({
      code: 'notification.template_failed',
      category: 'transient',
    });
    expect(await logRow(event.metadata.eventId, 'item-sold')).toEqual({});
  });

  describe('for a consignor not known yet', () => {
    let unknownCount = 0;
    function unknownConsignor(): string {
      unknownCount += 1;
      return `arrives-later-${unknownCount}`;
    }

    async function registerLater(id: string, overrides: Parameters<typeof consignorRegistered>[1] = {}): Promise<string> {
      const email = `${id}@example.com`;
      await recordConsignorRegistered(
        db.dataSource.manager,
        keys,
        consignorRegistered(id, { email, displayName: 'Grace Hopper', ...overrides }),
      );
      return email;
    }

    async function logRowCount(eventId: string): Promise<number> {
      const rows: { count: string }[] = await db.dataSource.query('SELECT count(*) FROM notification_log WHERE event_id = $1', [eventId]);
      return Number(rows[0]?.count);
    }

    it('counts emails sent, failed and deferred in consign_emails_total, and repeats not at all', async () => {
      const registry = new Registry();
      const counted: NotificationDeps = { ...deps, countEmail: emailMetrics(registry) };
      const waiting = earningsRecorded(unknownConsignor());
      expect(await notifyItemSold(counted, waiting)).toBe('deferred');
      expect(await notifyItemSold(counted, waiting)).toBe('duplicate');
      const { id } = await registeredConsignor();
      const sold = earningsRecorded(id);
      relay.rejectNext(1);
      await expect(notifyItemSold(counted, sold)).rejects.toMatchObject({ code: 'notification.smtp_failed' });
      expect(await notifyItemSold(counted, sold)).toBe('sent');
      expect(await notifyItemSold(counted, sold)).toBe('duplicate');
      expect(await metricTotal(registry, 'consign_emails_total', { outcome: 'deferred' })).toBe(1);
      expect(await metricTotal(registry, 'consign_emails_total', { outcome: 'failed' })).toBe(1);
      expect(await metricTotal(registry, 'consign_emails_total', { outcome: 'sent' })).toBe(1);
    });

    it('defers the email, recording what sending it later needs, and counts a repeat as a duplicate', async () => {
      const id = unknownConsignor();
      const event = earningsRecorded(id, { itemTitle: 'Kimono', consignorShare: { amountMinor: 15000, currency: 'JPY' } });
      expect(await notifyItemSold(deps, event)).toBe('deferred');
      expect(await notifyItemSold(deps, event)).toBe('duplicate');

      expect(await logRowCount(event.metadata.eventId)).toBe(1);
      expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({
        notification_id: notificationIdFor(event.metadata.eventId, 'item-sold'),
        event_type: 'earnings.recorded',
        tenant_id: 'dev-store',
        consignor_id: id,
        recipient: null,
        status: 'awaiting_contact',
        attempts: 0,
        cause_metadata: event.metadata,
        template_values: itemSoldValues(event),
      });
      expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(0);
      expect(published).toEqual([]);
    });

    it('sends the deferred emails, oldest first, once the contact is recorded, and only once', async () => {
      const id = unknownConsignor();
      const sold = earningsRecorded(id, { itemTitle: 'Kimono', consignorShare: { amountMinor: 15000, currency: 'JPY' } });
      const reversed = earningsReversed(id, { reason: 'refunded', consignorShare: { amountMinor: 15000, currency: 'JPY' } });
      expect(await notifyItemSold(deps, sold)).toBe('deferred');
      expect(await notifyEarningsReversed(deps, reversed)).toBe('deferred');
      const email = await registerLater(id);

      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 2, skipped: 0, failed: 0 });
      const [soldMessage] = messagesFor(sold.metadata.eventId, 'item-sold');
      const [reversedMessage] = messagesFor(reversed.metadata.eventId, 'earnings-reversed');
      expect(soldMessage?.to).toEqual([email]);
      expect(soldMessage?.parsed.subject).toBe('Your item sold: Kimono');
      expect(soldMessage?.parsed.text).toContain('Hello Grace Hopper,');
      expect(soldMessage?.parsed.text).toContain('You earn ¥15,000.');
      expect(reversedMessage?.parsed.text).toContain('because the buyer was refunded');
      expect(relay.received.indexOf(soldMessage as (typeof relay.received)[number])).toBeLessThan(
        relay.received.indexOf(reversedMessage as (typeof relay.received)[number]),
      );
      expect(await logRow(sold.metadata.eventId, 'item-sold')).toMatchObject({
        status: 'sent',
        attempts: 1,
        recipient: email,
        cause_metadata: null,
        template_values: null,
      });
      expect(published.map((p) => [p.event.definition.type, p.inTransaction])).toEqual([
        ['notification.sent', true],
        ['notification.sent', true],
      ]);
      expect(published[0]?.event.value).toMatchObject({
        notificationId: notificationIdFor(sold.metadata.eventId, 'item-sold'),
        consignorId: id,
        attempt: 1,
        metadata: { causationId: sold.metadata.eventId, correlationId: sold.metadata.correlationId, tenantId: 'dev-store' },
      });

      expect(await notifyItemSold(deps, sold)).toBe('duplicate');
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 0, failed: 0 });
      expect(messagesFor(sold.metadata.eventId, 'item-sold')).toHaveLength(1);
      expect(published).toHaveLength(2);
    });

    it('defers a welcome email the same way', async () => {
      const id = unknownConsignor();
      const registered = consignorRegistered(id, { email: `${id}@example.com`, displayName: 'Grace Hopper' });
      expect(await notifyConsignorRegistered(deps, registered)).toBe('deferred');
      await recordConsignorRegistered(db.dataSource.manager, keys, registered);
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 1, skipped: 0, failed: 0 });
      expect(messagesFor(registered.metadata.eventId, 'welcome')[0]?.parsed.subject).toBe('Welcome, Grace Hopper');
    });

    it('leaves them waiting while the contact is still unknown', async () => {
      const id = unknownConsignor();
      const event = earningsRecorded(id);
      await notifyItemSold(deps, event);
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 0, failed: 0 });
      expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'awaiting_contact' });
    });

    it('sends each deferred email once when sent concurrently', async () => {
      const id = unknownConsignor();
      const deferred = [earningsRecorded(id), earningsRecorded(id), earningsRecorded(id)];
      for (const event of deferred) expect(await notifyItemSold(deps, event)).toBe('deferred');
      await registerLater(id);
      const results = await Promise.all(Array.from({ length: 4 }, () => sendAwaitingNotifications(deps, id)));
      expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(3);
      for (const event of deferred) expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
      expect(published).toHaveLength(3);
    });

    it('is sent by a redelivery of its event once the contact is known', async () => {
      const id = unknownConsignor();
      const event = earningsRecorded(id);
      expect(await notifyItemSold(deps, event)).toBe('deferred');
      await registerLater(id);
      expect(await notifyItemSold(deps, event)).toBe('sent');
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 0, failed: 0 });
      expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
    });

    it('skips them, recording why, when the consignor was deactivated before the contact arrived', async () => {
      const id = unknownConsignor();
      const event = earningsRecorded(id);
      expect(await notifyItemSold(deps, event)).toBe('deferred');
      await recordConsignorDeactivated(db.dataSource.manager, consignorDeactivated(id, {}, 'closed account'));
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 1, failed: 0 });
      await registerLater(id);
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 0, failed: 0 });
      expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({
        status: 'skipped',
        attempts: 0,
        skip_reason: 'consignor deactivated: closed account',
      });
      expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(0);
      expect(published).toEqual([]);
    });

    it('skips them when the contact has no email address', async () => {
      const id = unknownConsignor();
      const event = earningsRecorded(id);
      await notifyItemSold(deps, event);
      await registerLater(id, { email: null });
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 1, failed: 0 });
      expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({
        status: 'skipped',
        skip_reason: 'consignor has no email address',
      });
    });

    it('records a rejected message as failed without throwing, and sends it on the next call', async () => {
      const id = unknownConsignor();
      const event = earningsRecorded(id);
      await notifyItemSold(deps, event);
      await registerLater(id);
      relay.rejectNext(1);
      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 0, skipped: 0, failed: 1 });
      expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'failed', attempts: 1, last_error_code: '451' });
      expect(published.map((p) => [p.event.definition.type, p.inTransaction])).toEqual([['notification.failed', true]]);
      expect(published[0]?.event.value).toMatchObject({ attempt: 1, errorCode: '451', willRetry: true });

      expect(await sendAwaitingNotifications(deps, id)).toEqual({ sent: 1, skipped: 0, failed: 0 });
      expect(await logRow(event.metadata.eventId, 'item-sold')).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      expect(messagesFor(event.metadata.eventId, 'item-sold')).toHaveLength(1);
      expect(published[1]?.event.value).toMatchObject({ attempt: 2 });
    });

    it('sends at once when the contact is recorded while the email is being deferred', async () => {
      // The trigger records the contact in the deferral's own statement: after notify looked it up,
      // before the row exists, i.e. when a concurrent sendAwaitingNotifications would miss the row.
      const id = unknownConsignor();
      // Sealed beforehand, as recordConsignorRegistered would: the trigger cannot seal.
      const sealer = await personalDataSealer(db.dataSource.manager, keys, consignorSubject(id));
      const [name, email] = ['Grace Hopper', `${id}@example.com`].map((text) => (sealer.seal(text) as Buffer).toString('hex'));
      await db.dataSource.query(`
        CREATE FUNCTION contact_arrives_meanwhile() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          INSERT INTO notification_contacts (consignor_id, tenant_id, sealed_display_name, sealed_email, details_occurred_at, details_event_id)
          VALUES (NEW.consignor_id, NEW.tenant_id, '\\x${name}'::bytea, '\\x${email}'::bytea, now(), 'meanwhile')
          ON CONFLICT (consignor_id) DO NOTHING;
          RETURN NEW;
        END $$`);
      await db.dataSource.query(`
        CREATE TRIGGER contact_arrives_meanwhile BEFORE INSERT ON notification_log
        FOR EACH ROW WHEN (NEW.consignor_id = '${id}') EXECUTE FUNCTION contact_arrives_meanwhile()`);
      try {
        const event = earningsRecorded(id);
        expect(await notifyItemSold(deps, event)).toBe('sent');
        expect(messagesFor(event.metadata.eventId, 'item-sold')[0]?.to).toEqual([`${id}@example.com`]);
      } finally {
        await db.dataSource.query('DROP TRIGGER contact_arrives_meanwhile ON notification_log');
        await db.dataSource.query('DROP FUNCTION contact_arrives_meanwhile()');
      }
    });
  });
});
