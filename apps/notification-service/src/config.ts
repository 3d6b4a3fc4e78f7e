import { developmentDefault, loadConfig, text } from '@consign/config';
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
  };
}

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(notificationSettings(env), env);
}
