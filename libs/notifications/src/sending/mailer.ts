import { createTransport, type SendMailOptions } from 'nodemailer';

/** What sending needs of nodemailer: a transporter (or a test double) that sends one message. */
export interface Mailer {
  sendMail(message: SendMailOptions): Promise<{ messageId: string; response?: string }>;
}

/** An SMTP mailer from SMTP_URL (e.g. smtp://127.0.0.1:1025, smtps://user:pass@relay:465). */
export function createSmtpMailer(smtpUrl: string): Mailer & { close(): void } {
  return createTransport(smtpUrl);
}
