import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSmtpMailer } from '@consign/notifications';
import { waitFor } from '@consign/test-support';
import { smtpMessagesPerConnection } from '../../src/mail/mailer';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay';

/** A real SMTP server on loopback, counting the connections the mailer opens to it. */
describe('pooled SMTP mailer (real relay)', () => {
  const relays: SmtpRelay[] = [];
  const relay = async (): Promise<SmtpRelay> => {
    const started = await startSmtpRelay();
    relays.push(started);
    return started;
  };

  afterAll(async () => {
    await Promise.all(relays.map((started) => started.stop()));
  });

  const message = (n: number) => ({
    from: 'no-reply@consign.test',
    to: `consignor${n}@example.com`,
    subject: `Your item sold #${n}`,
    text: 'Hello',
    messageId: `<pool-${n}@consign.test>`,
  });

  it('sends concurrent emails over at most SMTP_MAX_CONNECTIONS connections, every one delivered', async () => {
    const target = await relay();
    const mailer = createSmtpMailer({ url: target.url, tls: 'none', maxConnections: 3 });
    try {
      const infos = await Promise.all(Array.from({ length: 20 }, (_, n) => mailer.sendMail(message(n))));
      expect(infos.map((info) => info.response)).toEqual(
        Array.from({ length: 20 }, () => expect.stringMatching(/^250 Ok: queued as Q\d+$/)),
      );
      expect(target.received.map((mail) => mail.parsed.messageId).sort()).toEqual(
        Array.from({ length: 20 }, (_, n) => `<pool-${n}@consign.test>`).sort(),
      );
      expect(target.connections.accepted).toBeLessThanOrEqual(3);
      expect(target.connections.mostOpen).toBeLessThanOrEqual(3);
    } finally {
      mailer.close();
    }
  });

  it('opens at most 5 connections when SMTP_MAX_CONNECTIONS is not given', async () => {
    const target = await relay();
    const mailer = createSmtpMailer({ url: target.url, tls: 'none' });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, n) => mailer.sendMail(message(n))));
      expect(target.received).toHaveLength(20);
      expect(target.connections.accepted).toBeGreaterThan(1);
      expect(target.connections.accepted).toBeLessThanOrEqual(5);
    } finally {
      mailer.close();
    }
  });

  it('keeps a connection for the next email, replaces it after its share of messages, and closes it on close()', async () => {
    const target = await relay();
    const mailer = createSmtpMailer({ url: target.url, tls: 'none', maxConnections: 1 });
    try {
      for (let n = 0; n < smtpMessagesPerConnection; n += 1) await mailer.sendMail(message(n));
      expect(target.connections.accepted).toBe(1);
      await mailer.sendMail(message(smtpMessagesPerConnection));
      expect(target.connections.accepted).toBe(2);
      expect(target.received).toHaveLength(smtpMessagesPerConnection + 1);
      // Still open between emails: the next one needs no handshake.
      expect(target.connections.open).toBe(1);
    } finally {
      mailer.close();
    }
    await waitFor('the pooled connection to close', async () => (target.connections.open === 0 ? true : undefined), 5000, 20);
    await expect(mailer.sendMail(message(0))).rejects.toThrow(/closed/);
  });

  it('fails a send within SMTP_TIMEOUT when the relay stalls on a message', async () => {
    const stalled = await startSmtpRelay({ delayMs: 4000 });
    relays.push(stalled);
    const mailer = createSmtpMailer({ url: stalled.url, tls: 'none', timeoutMs: 300 });
    const startedAt = Date.now();
    try {
      await expect(mailer.sendMail(message(1))).rejects.toThrow(/timeout/i);
      expect(Date.now() - startedAt).toBeLessThan(2500);
    } finally {
      mailer.close();
    }
  });

  it('fails a send within SMTP_TIMEOUT when the relay accepts the connection and never greets', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, tls: 'none', timeoutMs: 300 });
    const startedAt = Date.now();
    try {
      await expect(mailer.sendMail(message(2))).rejects.toThrow(/greeting|timeout/i);
      expect(Date.now() - startedAt).toBeLessThan(2500);
    } finally {
      mailer.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
