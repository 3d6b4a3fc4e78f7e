import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  parsed: ParsedMail;
  /** Whether the message came over TLS (STARTTLS or implicit). */
  secure: boolean;
  /** The user the session signed in as, if it did. */
  user?: string;
}

export interface SmtpRelayOptions {
  /**
   * Serve TLS with this certificate and key (PEM): offered with STARTTLS, or from the first byte
   * when `implicit`. Without it the relay offers no TLS at all.
   */
  tls?: { certificate: string; key: string; implicit?: boolean };
  /** Require AUTH (PLAIN or LOGIN, over TLS only) with these credentials. */
  credentials?: { user: string; password: string };
  /** Answer each message this long after its DATA ends: a slow relay. */
  delayMs?: number;
}

/**
 * A real SMTP server on a free loopback port standing in for the relay. `rejectNext(n)` makes it
 * refuse the next n messages at the end of DATA, as a relay does when it cannot take a message.
 */
export interface SmtpRelay {
  url: string;
  received: ReceivedMail[];
  /** Every AUTH attempt, as the relay received it. */
  logins: { user: string; password: string }[];
  /** Connections (TCP) accepted so far, how many are open now, and the most that were open at once. */
  connections: { accepted: number; open: number; mostOpen: number };
  /** Messages whose DATA the relay is reading or has not answered yet, now and at most at once. */
  messages: { inFlight: number; mostInFlight: number };
  rejectNext(count: number): void;
  stop(): Promise<void>;
}

export async function startSmtpRelay(options: SmtpRelayOptions = {}): Promise<SmtpRelay> {
  const { tls, credentials, delayMs = 0 } = options;
  const messages = { inFlight: 0, mostInFlight: 0 };
  const received: ReceivedMail[] = [];
  const logins: SmtpRelay['logins'] = [];
  let rejections = 0;
  const server = new SMTPServer({
    secure: tls?.implicit === true,
    ...(tls ? { cert: tls.certificate, key: tls.key } : {}),
    authOptional: credentials === undefined,
    disabledCommands: [...(credentials ? [] : ['AUTH']), ...(tls && !tls.implicit ? [] : ['STARTTLS'])],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', password: auth.password ?? '' });
      if (auth.username === credentials?.user && auth.password === credentials?.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, reply) {
      messages.inFlight += 1;
      messages.mostInFlight = Math.max(messages.mostInFlight, messages.inFlight);
      const callback: typeof reply = (...args) => {
        setTimeout(() => {
          messages.inFlight -= 1;
          reply(...args);
        }, delayMs);
      };
      simpleParser(stream).then((parsed) => {
        if (rejections > 0) {
          rejections -= 1;
          callback(Object.assign(new Error('mailbox temporarily unavailable'), { responseCode: 451 }));
          return;
        }
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          parsed,
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback(null, `Ok: queued as Q${received.length}`);
      }, callback);
    },
  });
  // A client that refuses the relay's certificate drops the handshake; the relay only notes it, as a real one does.
  server.on('error', () => undefined);
  const connections = { accepted: 0, open: 0, mostOpen: 0 };
  server.server.on('connection', (socket: Socket) => {
    connections.accepted += 1;
    connections.open += 1;
    connections.mostOpen = Math.max(connections.mostOpen, connections.open);
    socket.once('close', () => {
      connections.open -= 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `${tls?.implicit ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    received,
    logins,
    connections,
    messages,
    rejectNext(count) {
      rejections = count;
    },
    stop: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}
