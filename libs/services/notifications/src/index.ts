import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { CreatePersonalDataKeys1764362000000, type KeyEncryptionKeys } from '@consign/personal-data';
import { CreateNotificationContacts1764359000000 } from './migrations/1764359000000-create-notification-contacts';
import { CreateNotificationLog1764359010000 } from './migrations/1764359010000-create-notification-log';
import { AddAwaitingContactNotifications1764359020000 } from './migrations/1764359020000-add-awaiting-contact-notifications';
import { encryptNotificationPersonalData } from './migrations/1764362200000-encrypt-notification-personal-data';

export { notificationIdFor, messageIdFor } from './domain/notification-content';
export type { NotificationTemplate } from './domain/notification-content';
export { notificationEventHandlers } from './handlers';
export { recordConsignorRegistered, recordConsignorDeactivated } from './store/contacts';
export { notifyConsignorRegistered, notifyItemSold, notifyItemsSold, notifyEarningsReversed } from './handlers/notify';
export type { NotificationDeps } from './handlers/deliver-notification';
export { emailMetrics } from './mail/email-metrics';
export { sendAwaitingNotifications } from './handlers/send-awaiting-notifications';
export { createSmtpMailer } from './mail/mailer';
export { NotificationOutcomeWriter } from './store/outcome-writer';
export { smtpConnection, smtpSettings } from './mail/smtp-settings';
export type { SmtpConnection } from './mail/smtp-settings';
export { notificationTemplatesDir } from './mail/template-files';
export { createNotificationReadRouter } from './http/notification-read-router';

/** The migrations, the last sealing what earlier versions stored in the clear: it needs the KEKs. */
export function notificationMigrations(keys: KeyEncryptionKeys) {
  return [
    CreateProcessedEvents1764355100000,
    CreateOutboxEvents1764355150000,
    CreateNotificationContacts1764359000000,
    CreateNotificationLog1764359010000,
    AddAwaitingContactNotifications1764359020000,
    CreatePersonalDataKeys1764362000000,
    encryptNotificationPersonalData(keys),
  ];
}
