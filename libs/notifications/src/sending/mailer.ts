import { createTransport, type SendMailOptions } from 'nodemailer';
import type { SmtpConnection } from './smtp-settings';

/** What sending needs of nodemailer: a transporter (or a test double) that sends one message. */
export interface Mailer {
  sendMail(message: SendMailOptions): Promise<{ messageId: string; response?: string }>;
}

/**
 * An SMTP mailer for the relay of SMTP_URL, as SMTP_TLS says. Built from options, not from the
 * URL, so nodemailer reads nothing else from it. Its own logger stays off: its debug output
 * would carry the AUTH exchange.
 */
export function createSmtpMailer(connection: SmtpConnection): Mailer & { close(): void } {
  const { hostname, port } = new URL(connection.url);
  return createTransport({
    host: hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(port !== '' ? { port: Number(port) } : {}),
    secure: connection.tls === 'implicit',
    requireTLS: connection.tls === 'starttls',
    ignoreTLS: connection.tls === 'none',
    tls: { rejectUnauthorized: true, ...(connection.ca !== undefined ? { ca: connection.ca } : {}) },
    ...(connection.user !== undefined ? { auth: { user: connection.user, pass: connection.password } } : {}),
    logger: false,
  });
}
