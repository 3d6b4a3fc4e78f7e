import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

import { MailStore, type CaughtMail } from './mail-store';

export interface MailSinkOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  smtpPort: number;
  /** 0 picks a free port (tests). */
  httpPort: number;
  /** How many of the newest messages are kept (default 5000). */
  capacity?: number;
  /** Largest message accepted, in bytes (default 25 MiB). */
  maxMessageBytes?: number;
  log?: (line: string) => void;
}

export interface MailSink {
  smtpPort: number;
  httpPort: number;
  /** smtp://host:port, as apps take it in SMTP_URL. */
  smtpUrl: string;
  /** http://host:port, as tests take it in MAIL_SINK_URL. */
  apiUrl: string;
  store: MailStore;
  stop(): Promise<void>;
}

/** Headers worth showing a developer; the whole raw header block is rarely what one looks for. */
const SHOWN_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'content-type',
]);

function shownHeaders(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (!SHOWN_HEADERS.has(key) && !key.startsWith('x-')) continue;
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}

function firstAddress(from: AddressObject | undefined): string | undefined {
  return from?.value.find((entry) => entry.address)?.address;
}

function caughtMail(parsed: ParsedMail, session: SMTPServerSession, sizeBytes: number): Omit<CaughtMail, 'id'> {
  const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
  return {
    messageId: parsed.messageId ?? null,
    from: firstAddress(parsed.from) ?? envelopeFrom,
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: parsed.html || null,
    headers: shownHeaders(parsed),
    receivedAt: new Date().toISOString(),
    sizeBytes,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function handleApi(store: MailStore, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://mail-sink');
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
  if (route === 'GET /healthz') return sendJson(res, 200, { status: 'ok', messages: store.list().length });
  if (route === 'GET /api/messages') return sendJson(res, 200, store.list({ to: url.searchParams.get('to') ?? undefined }));
  if (route === 'DELETE /api/messages') return sendJson(res, 200, { deleted: store.clear() });
  const one = /^GET \/api\/messages\/([^/]+)$/.exec(route);
  if (one?.[1]) {
    const mail = store.get(decodeURIComponent(one[1]));
    return mail ? sendJson(res, 200, mail) : sendJson(res, 404, { error: 'no such message' });
  }
  return sendJson(res, 404, { error: `no route ${route}` });
}

function listen(server: Server | SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const net = server instanceof SMTPServer ? server.server : server;
    net.once('error', reject);
    net.listen(port, host, () => {
      net.off('error', reject);
      resolve((net.address() as AddressInfo).port);
    });
  });
}

/**
 * A development SMTP server that accepts every message (any sender, any recipient, no auth, no
 * TLS: it listens on loopback only) and shows what it received over a small HTTP API.
 */
export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const store = new MailStore(options.capacity ?? 5000);
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxMessageBytes ?? 25 * 1024 * 1024,
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      simpleParser(stream).then(
        (parsed) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
            return;
          }
          const mail = store.add(caughtMail(parsed, session, stream.byteLength));
          log(`message ${mail.id} from ${mail.from} to ${mail.to.join(', ')}: ${mail.subject}`);
          callback();
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  smtp.on('error', (err) => log(`smtp error: ${err.message}`));
  const http = createServer((req, res) => handleApi(store, req, res));

  const smtpPort = await listen(smtp, options.smtpPort, host);
  let httpPort: number;
  try {
    httpPort = await listen(http, options.httpPort, host);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(resolve));
    throw err;
  }
  return {
    smtpPort,
    httpPort,
    smtpUrl: `smtp://${host}:${smtpPort}`,
    apiUrl: `http://${host}:${httpPort}`,
    store,
    async stop() {
      http.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => smtp.close(resolve)), new Promise<void>((resolve) => http.close(() => resolve()))]);
    },
  };
}
