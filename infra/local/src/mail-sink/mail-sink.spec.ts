// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

import { createTransport } from 'nodemailer';

import { resolvePaths, resolveSettings } from '../config';
import { isMailSinkHealthy, mailSinkStartSpec } from '../mail';
import { startMailSink, type MailSink } from './mail-sink';
import type { CaughtMail } from './mail-store';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

describe('mail sink (in process, real SMTP and HTTP)', () => {
  let sink: MailSink;

  beforeAll(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  });

  afterAll(async () => {
    await sink?.stop();
  });

  beforeEach(async () => {
    await fetch(`${sink.apiUrl}/api/messages`, { method: 'DELETE' });
  });

  async function send(options: {
    to: string;
    cc?: string;
    bcc?: string;
    subject: string;
    html?: string;
    messageId?: string;
  }): Promise<void> {
    const transport = createTransport({ url: sink.smtpUrl });
    try {
      await transport.sendMail({
        from: '"Store" <store@example.com>',
        text: `text of ${options.subject}`,
        headers: { 'X-Notification-Id': 'n-1' },
        ...options,
      });
    } finally {
      transport.close();
    }
  }

  it('answers /healthz', async () => {
    expect((await getJson<{ status: string }>(`${sink.apiUrl}/healthz`)).body.status).toBe('ok');
  });

  it('keeps what it receives over SMTP and shows it over HTTP', async () => {
    await send({
      to: 'ada@example.com',
      cc: 'cc@example.com',
      bcc: 'hidden@example.com',
      subject: 'Your item sold',
      html: '<p>Sold</p>',
      messageId: '<n-1@consign.test>',
    });
    const { body: list } = await getJson<CaughtMail[]>(`${sink.apiUrl}/api/messages`);
    expect(list).toHaveLength(1);
    const [received] = list;
    expect(received).toMatchObject({
      messageId: '<n-1@consign.test>',
      from: 'store@example.com',
      to: ['ada@example.com', 'cc@example.com', 'hidden@example.com'],
      subject: 'Your item sold',
      text: 'text of Your item sold',
      html: '<p>Sold</p>',
    });
    expect(received?.headers).toMatchObject({ subject: 'Your item sold', 'message-id': '<n-1@consign.test>', 'x-notification-id': 'n-1' });
    expect(received?.headers).not.toHaveProperty('bcc');
    expect(Date.parse(received?.receivedAt ?? '')).not.toBeNaN();

    const one = await getJson<CaughtMail>(`${sink.apiUrl}/api/messages/${received?.id}`);
    expect(one).toEqual({ status: 200, body: received });
    expect((await fetch(`${sink.apiUrl}/api/messages/999999`)).status).toBe(404);
  });

  it('lists newest first, filters by recipient and deletes everything', async () => {
    await send({ to: 'ada@example.com', subject: 'first' });
    await send({ to: 'bob@example.com', subject: 'second' });
    await send({ to: 'ada@example.com', subject: 'third' });
    expect((await getJson<CaughtMail[]>(`${sink.apiUrl}/api/messages`)).body.map((m) => m.subject)).toEqual(['third', 'second', 'first']);
    const filtered = await getJson<CaughtMail[]>(`${sink.apiUrl}/api/messages?to=${encodeURIComponent('ADA@example.com')}`);
    expect(filtered.body.map((m) => m.subject)).toEqual(['third', 'first']);

    const deleted = await fetch(`${sink.apiUrl}/api/messages`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ deleted: 3 });
    expect((await getJson<CaughtMail[]>(`${sink.apiUrl}/api/messages`)).body).toEqual([]);
  });

  it('answers 404 for unknown routes', async () => {
    expect((await fetch(`${sink.apiUrl}/nothing`)).status).toBe(404);
  });
});

describe('mail sink process (as `infra up` starts it)', () => {
  it('listens on the configured ports, is healthy, and stops on SIGTERM', async () => {
    const settings = resolveSettings({ MAIL_SINK_SMTP_PORT: String(await freePort()), MAIL_SINK_HTTP_PORT: String(await freePort()) });
    const spec = mailSinkStartSpec(resolvePaths(), settings);
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!(await isMailSinkHealthy(settings, 1000))) {
        if (Date.now() > deadline) throw new Error('mail sink process did not become healthy');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const transport = createTransport({ url: settings.smtpUrl });
      await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'via the process', text: 'hi' });
      transport.close();
      const { body } = await getJson<CaughtMail[]>(`${settings.mailSinkUrl}/api/messages?to=b@example.com`);
      expect(body.map((m) => m.subject)).toEqual(['via the process']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
