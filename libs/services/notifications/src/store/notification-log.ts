import type { EntityManager } from 'typeorm';
import type { EventMetadata } from '@consign/contracts';
import { type KeyEncryptionKeys, openPersonalData, personalDataSealer } from '@consign/personal-data';
import { consignorSubject } from '../domain/contact';
import type { EventValues, NotificationTemplate } from '../domain/notification-content';

/** `awaiting_contact`: deferred until the consignor's contact is projected (sendAwaitingNotifications). */
export type NotificationStatus = 'awaiting_contact' | 'sending' | 'sent' | 'failed' | 'skipped';
/** What readers see: `uncertain` is a row left `sending` longer than a send can take (a crash mid-send). */
export type ReportedNotificationStatus = NotificationStatus | 'uncertain';
export const reportedNotificationStatuses: readonly ReportedNotificationStatus[] = [
  'awaiting_contact',
  'sending',
  'sent',
  'failed',
  'skipped',
  'uncertain',
];

export interface NotificationKey {
  eventId: string;
  template: NotificationTemplate;
}

export interface NotificationClaim extends NotificationKey {
  notificationId: string;
  eventType: string;
  tenantId: string;
  consignorId: string;
  recipient: string | null;
  messageId: string;
  /** `sending` to send now, `skipped` to record why nothing is sent. */
  status: 'sending' | 'skipped';
  skipReason: string | null;
}

/**
 * Takes the (event, template) row: inserts it, or takes over a row whose last attempt failed or
 * that awaits its contact. Returns the attempt number, or undefined when the row is already sent,
 * sending or skipped. The recipient's address is stored sealed under the consignor's data key.
 * Concurrent claims serialise on the row: exactly one of them gets it.
 */
export async function claimNotification(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  claim: NotificationClaim,
): Promise<{ attempt: number } | undefined> {
  const attempts = claim.status === 'sending' ? 1 : 0;
  const recipient =
    claim.recipient === null ? null : (await personalDataSealer(manager, keys, consignorSubject(claim.consignorId))).seal(claim.recipient);
  const claimRow = (): Promise<{ attempts: number }[]> =>
    manager.query(
      `INSERT INTO notification_log
       (event_id, template, notification_id, event_type, tenant_id, consignor_id, sealed_recipient, status, attempts, skip_reason, message_id, last_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $9 > 0 THEN now() END)
     ON CONFLICT (event_id, template) DO UPDATE SET
       status = EXCLUDED.status,
       attempts = notification_log.attempts + EXCLUDED.attempts,
       sealed_recipient = EXCLUDED.sealed_recipient,
       skip_reason = EXCLUDED.skip_reason,
       last_attempt_at = COALESCE(EXCLUDED.last_attempt_at, notification_log.last_attempt_at),
       updated_at = now()
     WHERE notification_log.status IN ('failed', 'awaiting_contact')
     RETURNING attempts`,
      [
        claim.eventId,
        claim.template,
        claim.notificationId,
        claim.eventType,
        claim.tenantId,
        claim.consignorId,
        recipient,
        claim.status,
        attempts,
        claim.skipReason,
        claim.messageId,
      ],
    );
  // ON CONFLICT settles a race only on its own key: two claims inserting at once may instead meet on
  // notification_id (the same row by another name), which fails the later one once the first has
  // committed. Claimed again, it then finds the row.
  const rows = await claimRow().catch((error: unknown) => {
    if (
      (error as { driverError?: { code?: string; constraint?: string } }).driverError?.constraint === 'notification_log_notification_id_key'
    )
      return claimRow();
    throw error;
  });
  return rows[0] ? { attempt: rows[0].attempts } : undefined;
}

/** A claim whose recipient is already sealed (personalDataSealers), for claiming many in one statement. */
export interface SealedNotificationClaim extends Omit<NotificationClaim, 'recipient'> {
  sealedRecipient: Buffer | null;
}

/** `eventId` and template as one string, for maps of (event, template) rows. */
export function notificationKeyOf(key: NotificationKey): string {
  return `${key.eventId}\u0000${key.template}`;
}

/**
 * claimNotification for any number of (event, template) rows, distinct ones, in one statement:
 * the attempt number of each row claimed (notificationKeyOf), none for a row already sent, sending
 * or skipped. Rows are written in key order, so two calls over the same rows cannot deadlock.
 */
export async function claimNotifications(manager: EntityManager, claims: readonly SealedNotificationClaim[]): Promise<Map<string, number>> {
  if (claims.length === 0) return new Map();
  const column = <T>(pick: (claim: SealedNotificationClaim) => T): T[] => claims.map(pick);
  const claimRows = (): Promise<{ event_id: string; template: NotificationTemplate; attempts: number }[]> =>
    manager.query(
      `INSERT INTO notification_log
       (event_id, template, notification_id, event_type, tenant_id, consignor_id, sealed_recipient, status, attempts, skip_reason, message_id, last_attempt_at)
     SELECT v.event_id, v.template, v.notification_id, v.event_type, v.tenant_id, v.consignor_id, v.sealed_recipient, v.status, v.attempts, v.skip_reason, v.message_id,
            CASE WHEN v.attempts > 0 THEN now() END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::text[], $9::int[], $10::text[], $11::text[])
       AS v (event_id, template, notification_id, event_type, tenant_id, consignor_id, sealed_recipient, status, attempts, skip_reason, message_id)
     ORDER BY v.event_id, v.template
     ON CONFLICT (event_id, template) DO UPDATE SET
       status = EXCLUDED.status,
       attempts = notification_log.attempts + EXCLUDED.attempts,
       sealed_recipient = EXCLUDED.sealed_recipient,
       skip_reason = EXCLUDED.skip_reason,
       last_attempt_at = COALESCE(EXCLUDED.last_attempt_at, notification_log.last_attempt_at),
       updated_at = now()
     WHERE notification_log.status IN ('failed', 'awaiting_contact')
     RETURNING event_id, template, attempts`,
      [
        column((c) => c.eventId),
        column((c) => c.template),
        column((c) => c.notificationId),
        column((c) => c.eventType),
        column((c) => c.tenantId),
        column((c) => c.consignorId),
        column((c) => c.sealedRecipient),
        column((c) => c.status),
        column((c) => (c.status === 'sending' ? 1 : 0)),
        column((c) => c.skipReason),
        column((c) => c.messageId),
      ],
    );
  // As in claimNotification: a concurrent insert of one of the rows may meet this one on notification_id.
  const rows = await claimRows().catch((error: unknown) => {
    if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'notification_log_notification_id_key')
      return claimRows();
    throw error;
  });
  return new Map(rows.map((row) => [notificationKeyOf({ eventId: row.event_id, template: row.template }), row.attempts]));
}

/** A notification whose consignor is not known yet, with what sending it later needs. */
export interface DeferredNotification extends NotificationKey {
  notificationId: string;
  consignorId: string;
  messageId: string;
  cause: EventMetadata;
  values: EventValues;
}

/** Records the row as `awaiting_contact`; false when the (event, template) row already exists. */
export async function deferNotification(manager: EntityManager, deferred: DeferredNotification): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO notification_log
       (event_id, template, notification_id, event_type, tenant_id, consignor_id, status, message_id, cause_metadata, template_values)
     VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_contact', $7, $8::jsonb, $9::jsonb)
     ON CONFLICT (event_id, template) DO NOTHING
     RETURNING 1`,
    [
      deferred.eventId,
      deferred.template,
      deferred.notificationId,
      deferred.cause.eventType,
      deferred.cause.tenantId,
      deferred.consignorId,
      deferred.messageId,
      JSON.stringify(deferred.cause),
      JSON.stringify(deferred.values),
    ],
  );
  return rows.length > 0;
}

/** deferNotification for any number of distinct rows in one statement: the keys (notificationKeyOf) of the rows recorded. */
export async function deferNotifications(manager: EntityManager, deferred: readonly DeferredNotification[]): Promise<Set<string>> {
  if (deferred.length === 0) return new Set();
  const rows: { event_id: string; template: NotificationTemplate }[] = await manager.query(
    `INSERT INTO notification_log
       (event_id, template, notification_id, event_type, tenant_id, consignor_id, status, message_id, cause_metadata, template_values)
     SELECT v.event_id, v.template, v.notification_id, v.event_type, v.tenant_id, v.consignor_id, 'awaiting_contact', v.message_id, v.cause_metadata, v.template_values
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::jsonb[])
       AS v (event_id, template, notification_id, event_type, tenant_id, consignor_id, message_id, cause_metadata, template_values)
     ORDER BY v.event_id, v.template
     ON CONFLICT (event_id, template) DO NOTHING
     RETURNING event_id, template`,
    [
      deferred.map((d) => d.eventId),
      deferred.map((d) => d.template),
      deferred.map((d) => d.notificationId),
      deferred.map((d) => d.cause.eventType),
      deferred.map((d) => d.cause.tenantId),
      deferred.map((d) => d.consignorId),
      deferred.map((d) => d.messageId),
      deferred.map((d) => JSON.stringify(d.cause)),
      deferred.map((d) => JSON.stringify(d.values)),
    ],
  );
  return new Set(rows.map((row) => notificationKeyOf({ eventId: row.event_id, template: row.template })));
}

/**
 * The consignor's deferred notifications still to send, oldest first: those awaiting the contact
 * and those whose attempt since failed.
 */
export async function findDeferredNotifications(manager: EntityManager, consignorId: string): Promise<DeferredNotification[]> {
  return manager.query(
    `SELECT event_id AS "eventId", template, notification_id AS "notificationId", consignor_id AS "consignorId",
            message_id AS "messageId", cause_metadata AS cause, template_values AS values
     FROM notification_log
     WHERE consignor_id = $1 AND cause_metadata IS NOT NULL AND status IN ('awaiting_contact', 'failed')
     ORDER BY created_at, notification_id`,
    [consignorId],
  );
}

/** How one claimed (`sending`) row ended: the SMTP server took the message, or refused it or could not be reached. */
export type NotificationOutcome = NotificationKey &
  ({ status: 'sent'; providerMessageId: string | null } | { status: 'failed'; sealedError: Buffer | null; errorCode: string | null });

/**
 * Records how attempts ended, any number of rows in at most two statements (one per status). Only
 * rows still `sending` change. A sent row drops what a deferred notification kept for sending
 * later: it is sent, and the row is then what sending it at once leaves (as in a rebuild that knew
 * the contact first). A failed row keeps its error sealed under the consignor's data key
 * (sealNotificationError): a refusal commonly quotes the recipient.
 */
export async function recordNotificationOutcomes(manager: EntityManager, outcomes: readonly NotificationOutcome[]): Promise<void> {
  const sent = outcomes.filter((o): o is Extract<NotificationOutcome, { status: 'sent' }> => o.status === 'sent');
  const failed = outcomes.filter((o): o is Extract<NotificationOutcome, { status: 'failed' }> => o.status === 'failed');
  if (sent.length > 0) {
    await manager.query(
      `UPDATE notification_log AS l
       SET status = 'sent', provider_message_id = v.provider_message_id, sealed_last_error = NULL, last_error_code = NULL, sent_at = now(), updated_at = now(),
         cause_metadata = NULL, template_values = NULL
       FROM unnest($1::text[], $2::text[], $3::text[]) AS v (event_id, template, provider_message_id)
       WHERE l.event_id = v.event_id AND l.template = v.template AND l.status = 'sending'`,
      [sent.map((o) => o.eventId), sent.map((o) => o.template), sent.map((o) => o.providerMessageId)],
    );
  }
  if (failed.length > 0) {
    await manager.query(
      `UPDATE notification_log AS l
       SET status = 'failed', sealed_last_error = v.sealed_last_error, last_error_code = v.last_error_code, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[]) AS v (event_id, template, sealed_last_error, last_error_code)
       WHERE l.event_id = v.event_id AND l.template = v.template AND l.status = 'sending'`,
      [failed.map((o) => o.eventId), failed.map((o) => o.template), failed.map((o) => o.sealedError), failed.map((o) => o.errorCode)],
    );
  }
}

/** The SMTP server's message, sealed like the address: a refusal commonly quotes the recipient. */
export async function sealNotificationError(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  consignorId: string,
  error: string,
): Promise<Buffer | null> {
  return (await personalDataSealer(manager, keys, consignorSubject(consignorId))).seal(error);
}

/** Records one send (recordNotificationOutcomes). */
export async function markNotificationSent(manager: EntityManager, key: NotificationKey, providerMessageId: string | null): Promise<void> {
  await recordNotificationOutcomes(manager, [{ ...key, status: 'sent', providerMessageId }]);
}

/** Records one failure, sealing its message (recordNotificationOutcomes). */
export async function markNotificationFailed(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  key: NotificationKey & { consignorId: string },
  error: string,
  errorCode: string | null,
): Promise<void> {
  const sealedError = await sealNotificationError(manager, keys, key.consignorId, error);
  await recordNotificationOutcomes(manager, [{ eventId: key.eventId, template: key.template, status: 'failed', sealedError, errorCode }]);
}

/**
 * One row of the log as the read API shows it. `erased`: the consignor's personal data was erased,
 * so the recipient and the last error read as null for good.
 */
export interface NotificationRecord {
  notificationId: string;
  eventId: string;
  eventType: string;
  template: string;
  tenantId: string;
  consignorId: string;
  recipient: string | null;
  erased: boolean;
  status: ReportedNotificationStatus;
  attempts: number;
  lastError: string | null;
  lastErrorCode: string | null;
  skipReason: string | null;
  messageId: string;
  providerMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastAttemptAt: Date | null;
  sentAt: Date | null;
}

export interface NotificationQuery {
  consignorId?: string;
  status?: ReportedNotificationStatus;
  notificationId?: string;
  limit: number;
  /** A row `sending` for longer than this is reported as `uncertain`. */
  uncertainAfterMs: number;
}

type NotificationRow = Omit<NotificationRecord, 'recipient' | 'erased' | 'lastError'> & {
  sealedRecipient: Buffer | null;
  sealedLastError: Buffer | null;
};

export async function findNotifications(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  query: NotificationQuery,
): Promise<NotificationRecord[]> {
  const rows: NotificationRow[] = await manager.query(
    `SELECT * FROM (
       SELECT notification_id AS "notificationId", event_id AS "eventId", event_type AS "eventType", template,
              tenant_id AS "tenantId", consignor_id AS "consignorId", sealed_recipient AS "sealedRecipient",
              CASE WHEN status = 'sending' AND last_attempt_at < now() - make_interval(secs => $1 / 1000.0)
                   THEN 'uncertain' ELSE status END AS status,
              attempts, sealed_last_error AS "sealedLastError", last_error_code AS "lastErrorCode", skip_reason AS "skipReason",
              message_id AS "messageId", provider_message_id AS "providerMessageId", created_at AS "createdAt",
              updated_at AS "updatedAt", last_attempt_at AS "lastAttemptAt", sent_at AS "sentAt"
       FROM notification_log
       WHERE ($2::text IS NULL OR consignor_id = $2) AND ($3::text IS NULL OR notification_id = $3)
     ) reported
     WHERE $4::text IS NULL OR status = $4
     ORDER BY "createdAt" DESC, "notificationId"
     LIMIT $5`,
    [query.uncertainAfterMs, query.consignorId ?? null, query.notificationId ?? null, query.status ?? null, query.limit],
  );
  const opened = await openPersonalData(
    manager,
    keys,
    rows.map((row) => consignorSubject(row.consignorId)),
  );
  return rows.map(({ sealedRecipient, sealedLastError, ...row }) => ({
    ...row,
    recipient: opened.text(sealedRecipient),
    lastError: opened.text(sealedLastError),
    erased: opened.erased(consignorSubject(row.consignorId)),
  }));
}
