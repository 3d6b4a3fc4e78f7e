import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on a free loopback port standing in for the relay. `rejectNext(n)` makes it
 * refuse the next n messages at the end of DATA, as a relay does when it cannot take a message.
 */
export interface SmtpRelay {
  url: string;
  received: ReceivedMail[];
  rejectNext(count: number): void;
  stop(): Promise<void>;
}

export async function startSmtpRelay(): Promise<SmtpRelay> {
  const received: ReceivedMail[] = [];
  let rejections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        if (rejections > 0) {
          rejections -= 1;
          callback(Object.assign(new Error('mailbox temporarily unavailable'), { responseCode: 451 }));
          return;
        }
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
        callback(null, `Ok: queued as Q${received.length}`);
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectNext(count) {
      rejections = count;
    },
    stop: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}
