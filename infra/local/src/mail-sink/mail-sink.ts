import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

import { MailStore } from './mail-store';

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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function handleApi(store: MailStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mail-sink');
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
  if (route === 'GET /healthz') return sendJson(res, 200, { status: 'ok', messages: store.size });
  if (route === 'GET /api/messages') return sendJson(res, 200, await store.list({ to: url.searchParams.get('to') ?? undefined }));
  if (route === 'DELETE /api/messages') return sendJson(res, 200, { deleted: store.clear() });
  const one = /^GET \/api\/messages\/([^/]+)$/.exec(route);
  if (one?.[1]) {
    const mail = await store.get(decodeURIComponent(one[1]));
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
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', (err: Error) => callback(err));
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const to = session.envelope.rcptTo.map((recipient) => recipient.address);
        const id = store.add({ envelopeFrom, to, raw: Buffer.concat(chunks), receivedAt: new Date().toISOString() });
        log(`message ${id} from ${envelopeFrom} to ${to.join(', ')}`);
        callback();
      });
    },
  });
  smtp.on('error', (err) => log(`smtp error: ${err.message}`));
  const http = createServer((req, res) => {
    handleApi(store, req, res).catch((err: unknown) => sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });

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
