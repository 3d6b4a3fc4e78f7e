import { developmentDefault, durationMs, loadConfig, setting, text } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { smtpSettings } from '@consign/notifications';
import { keyEncryptionKeysSetting } from '@consign/personal-data';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function notificationSettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('notification-service', env),
    // The development mail sink in development; production names its relay, over verified TLS.
    ...smtpSettings(env),
    mailFrom: text('MAIL_FROM', developmentDefault(env, 'Consign Stream <no-reply@consign-stream.local>')),
    personalDataKeys: keyEncryptionKeysSetting(env),
    // A rebuild from earliest, or a first start over old history, must not email about old sales.
    maxEventAgeMs: setting('NOTIFICATION_MAX_EVENT_AGE', (raw) => {
      const ageMs = durationMs('NOTIFICATION_MAX_EVENT_AGE', '7d').parse(raw);
      if (ageMs < 1000) throw new Error(`must be at least 1s, got ${ageMs}ms`);
      return ageMs;
    }),
  };
}

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(notificationSettings(env), env);
}
