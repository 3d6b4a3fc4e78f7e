import { loadConfig, text, url } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function notificationSettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('NOTIFICATION', { port: 3004, database: 'notification', consumerGroup: 'notification-service' }, env.NODE_ENV),
    // The development mail sink by default; production points this at its relay (smtps:// with credentials).
    smtpUrl: url('SMTP_URL', 'smtp://127.0.0.1:1025', ['smtp', 'smtps']),
    mailFrom: text('MAIL_FROM', 'Consign Stream <no-reply@consign-stream.local>'),
  };
}

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(notificationSettings(env), env);
}
