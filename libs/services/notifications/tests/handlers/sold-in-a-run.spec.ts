import type { DataSource, EntityManager } from 'typeorm';
import type { EarningsRecorded, PlatformEvent } from '@consign/contracts';
import { developmentKeyEncryptionKeys as keys, openPersonalData } from '@consign/personal-data';
import {
  createSmtpMailer,
  notificationTemplatesDir,
  notifyItemSold,
  notifyItemsSold,
  NotificationOutcomeWriter,
  recordConsignorDeactivated,
  recordConsignorRegistered,
  type NotificationDeps,
} from '@consign/notifications';
import { consignorSubject } from '../../src/domain/contact';
import { notificationDatabase } from '../support/notification-database';
import { consignorDeactivated, consignorRegistered, earningsRecorded } from '../support/sample-events';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay';

type Database = { dataSource: DataSource; close(): Promise<void> };

/**
 * The run handler of sold items (notifyItemsSold) against real PostgreSQL and a real SMTP relay:
 * the same outcome as notifyItemSold on each event in turn, in a bounded number of statements,
 * its emails sent side by side but never more than sendConcurrency at once.
 */
describe('notifyItemsSold: a run of sales notified together (real PostgreSQL, real SMTP)', () => {
  const databases: Database[] = [];
  const relays: SmtpRelay[] = [];
  const mailers: ReturnType<typeof createSmtpMailer>[] = [];
  const writers: NotificationOutcomeWriter[] = [];

  afterAll(async () => {
    await Promise.all(writers.map((writer) => writer.close()));
    for (const mailer of mailers) mailer.close();
    await Promise.all(relays.map((relay) => relay.stop()));
    for (const database of databases) await database.close();
  });

  async function setting(options: { delayMs?: number; maxConnections?: number; sendConcurrency?: number; writer?: boolean } = {}) {
    const db = await notificationDatabase('consign_notification_run_test');
    databases.push(db);
    const relay = await startSmtpRelay({ delayMs: options.delayMs });
    relays.push(relay);
    const mailer = createSmtpMailer({ url: relay.url, tls: 'none', maxConnections: options.maxConnections ?? 5 });
    mailers.push(mailer);
    const published: PlatformEvent[] = [];
    const publish = async (_manager: EntityManager, events: PlatformEvent[]): Promise<void> => {
      published.push(...events);
    };
    const outcomeWriter = options.writer ? new NotificationOutcomeWriter({ dataSource: db.dataSource, publish }) : undefined;
    if (outcomeWriter) writers.push(outcomeWriter);
    const deps: NotificationDeps = {
      dataSource: db.dataSource,
      mailer,
      templatesDir: notificationTemplatesDir,
      from: 'no-reply@consign.test',
      publish,
      personalDataKeys: keys,
      sendConcurrency: options.sendConcurrency,
      outcomeWriter,
    };
    const register = async (ids: string[], tenantId?: string) => {
      for (const id of ids)
        await recordConsignorRegistered(
          db.dataSource.manager,
          keys,
          consignorRegistered(id, { email: `${id}@example.com` }, tenantId ? { tenantId } : {}),
        );
    };
    return { db, relay, deps, published, outcomeWriter, register };
  }

  /** The log as one by one and run must leave it alike: what differs by timing (times, the relay's queue ids) left out. */
  async function logOf(db: Database): Promise<Record<string, unknown>[]> {
    const rows: { consignor_id: string; sealed_recipient: Buffer | null; [column: string]: unknown }[] = await db.dataSource.query(
      `SELECT event_id, template, notification_id, consignor_id, status, attempts, skip_reason, sealed_recipient, message_id,
              cause_metadata IS NOT NULL AS kept_for_later, last_error_code
       FROM notification_log ORDER BY event_id, template`,
    );
    const opened = await openPersonalData(
      db.dataSource.manager,
      keys,
      rows.map((row) => consignorSubject(row.consignor_id)),
    );
    return rows.map(({ sealed_recipient, ...row }) => ({ ...row, recipient: opened.text(sealed_recipient) }));
  }

  const eventsOf = (published: PlatformEvent[]) =>
    published
      .map((event) => {
        const { metadata, notificationId, attempt } = event.value as {
          metadata: { eventId: string; eventType: string };
          notificationId: string;
          attempt: number;
        };
        return `${metadata.eventType} ${metadata.eventId} ${notificationId} #${attempt}`;
      })
      .sort();
  const mailOf = (relay: SmtpRelay) =>
    relay.received.map((mail) => `${mail.parsed.messageId} -> ${mail.to.join(',')}: ${mail.parsed.subject}`).sort();

  it('leaves the same log, emails and events as notifyItemSold on each event in turn', async () => {
    const one = await setting();
    const run = await setting();
    const consignors = ['run-a', 'run-b', 'run-c', 'run-gone'];
    for (const side of [one, run]) {
      await side.register(consignors);
      await side.register(['run-elsewhere'], 'other-store');
      await recordConsignorRegistered(side.db.dataSource.manager, keys, consignorRegistered('run-no-address', { email: 'not an address' }));
      await recordConsignorDeactivated(side.db.dataSource.manager, consignorDeactivated('run-gone'));
    }
    const sold: EarningsRecorded[] = [
      ...['run-a', 'run-b', 'run-c', 'run-a', 'run-b', 'run-c', 'run-a'].map((id) => earningsRecorded(id)),
      earningsRecorded('run-gone'),
      earningsRecorded('run-elsewhere'),
      earningsRecorded('run-no-address'),
      earningsRecorded('run-unknown'),
      earningsRecorded('run-unknown'),
    ];
    const before = earningsRecorded('run-b');
    // Sent by an earlier delivery, and read twice in this one.
    const events = [...sold, before, sold[1]];
    for (const side of [one, run]) expect(await notifyItemSold(side.deps, before)).toBe('sent');

    const oneByOne = [];
    for (const event of events) oneByOne.push(await notifyItemSold(one.deps, event));
    const together = await notifyItemsSold(run.deps, events);

    expect(together).toEqual(oneByOne);
    expect(together).toEqual([...Array(7).fill('sent'), 'skipped', 'skipped', 'skipped', 'deferred', 'deferred', 'duplicate', 'duplicate']);
    expect(await logOf(run.db)).toEqual(await logOf(one.db));
    expect(eventsOf(run.published)).toEqual(eventsOf(one.published));
    expect(mailOf(run.relay)).toEqual(mailOf(one.relay));
    expect(run.relay.received).toHaveLength(8);
  });

  it('reads, defers and claims a run in a few statements whatever its length, and shares outcome transactions', async () => {
    const { db, deps, outcomeWriter, register } = await setting({ writer: true });
    const consignors = Array.from({ length: 8 }, (_, n) => `count-${n}`);
    await register(consignors);
    const counted = async (events: EarningsRecorded[]) => {
      const manager = db.dataSource.manager;
      const query = manager.query.bind(manager);
      let statements = 0;
      manager.query = ((...args: Parameters<typeof query>) => {
        statements += 1;
        return query(...args);
      }) as typeof manager.query;
      try {
        const outcomes = await notifyItemsSold(deps, events);
        return { outcomes, statements };
      } finally {
        manager.query = query;
      }
    };

    const few = await counted(Array.from({ length: 4 }, (_, n) => earningsRecorded(consignors[n])));
    const many = await counted([
      ...Array.from({ length: 60 }, (_, n) => earningsRecorded(consignors[n % 8])),
      earningsRecorded('count-unknown-1'),
      earningsRecorded('count-unknown-2'),
    ]);

    expect(few.outcomes).toEqual(Array(4).fill('sent'));
    expect(many.outcomes).toEqual([...Array(60).fill('sent'), 'deferred', 'deferred']);
    // Contacts and their keys, the sealers' keys, the claim; with unknown recipients also the
    // deferral and their contacts read again (still none: no keys to read).
    expect(few.statements).toBe(4);
    expect(many.statements).toBe(6);
    // One at a time, each email cost 4 statements of its own besides its outcome's transaction.
    const { transactions, records } = outcomeWriter?.stats() ?? { transactions: 0, records: 0 };
    expect(records).toBe(64);
    expect(transactions).toBeLessThan(records / 2);
  });

  it('sends a slow relay at most sendConcurrency emails at once, side by side', async () => {
    const { relay, deps, register } = await setting({ delayMs: 150, maxConnections: 8, sendConcurrency: 4, writer: true });
    const consignors = Array.from({ length: 4 }, (_, n) => `slow-${n}`);
    await register(consignors);
    const events = Array.from({ length: 16 }, (_, n) => earningsRecorded(consignors[n % 4]));

    const startedAt = Date.now();
    expect(await notifyItemsSold(deps, events)).toEqual(Array(16).fill('sent'));
    const elapsedMs = Date.now() - startedAt;

    expect(relay.received).toHaveLength(16);
    expect(relay.messages.mostInFlight).toBe(4);
    expect(relay.connections.mostOpen).toBeLessThanOrEqual(4);
    // One after another they take 16 × 150 ms; four at a time, four rounds.
    expect(elapsedMs).toBeGreaterThanOrEqual(4 * 150);
    expect(elapsedMs).toBeLessThan(8 * 150);
  });

  it('records every outcome of a run with a refused email, throws that failure, and sends only it when the run is read again', async () => {
    const { db, relay, deps, published, register } = await setting({ writer: true });
    const consignors = ['refused-a', 'refused-b', 'refused-c'];
    await register(consignors);
    const events = Array.from({ length: 6 }, (_, n) => earningsRecorded(consignors[n % 3]));
    relay.rejectNext(1);

    await expect(notifyItemsSold(deps, events)).rejects.toMatchObject({ code: 'notification.smtp_failed', category: 'transient' });
    const statuses = async () =>
      (
        (await db.dataSource.query('SELECT status, attempts FROM notification_log WHERE event_id = ANY($1::text[]) ORDER BY status', [
          events.map((e) => e.metadata.eventId),
        ])) as { status: string; attempts: number }[]
      ).map((row) => `${row.status} #${row.attempts}`);
    expect(await statuses()).toEqual(['failed #1', ...Array(5).fill('sent #1')]);
    expect(eventsOf(published).filter((line) => line.startsWith('notification.failed'))).toHaveLength(1);
    expect(eventsOf(published).filter((line) => line.startsWith('notification.sent'))).toHaveLength(5);

    const again = await notifyItemsSold(deps, events);
    expect(again.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(again.filter((outcome) => outcome === 'duplicate')).toHaveLength(5);
    expect(await statuses()).toEqual([...Array(5).fill('sent #1'), 'sent #2']);
    // Each email delivered once: the refused one only by the second reading.
    expect(new Set(relay.received.map((mail) => mail.parsed.messageId)).size).toBe(6);
    expect(relay.received).toHaveLength(6);
  });
});
