import type { DataSource } from 'typeorm';
import type { EventMetadata } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import type { KeyEncryptionKeys } from '@consign/personal-data';
import { decideDelivery, type LateEmailLimit, type RecipientDecision } from '../domain/contact';
import { messageIdFor, notificationIdFor, type EventValues, type NotificationTemplate } from '../domain/notification-content';
import { notificationFailed, notificationSent, providerMessageIdFrom, type AttemptFacts } from '../domain/notification-events';
import { renderTemplate, type RenderedEmail } from '../domain/render-template';
import { personalDataSealers } from '@consign/personal-data';
import { consignorSubject } from '../domain/contact';
import { findContact, findContacts } from '../store/contacts';
import {
  claimNotification,
  claimNotifications,
  deferNotification,
  deferNotifications,
  notificationKeyOf,
  sealNotificationError,
  type DeferredNotification,
  type NotificationKey,
  type SealedNotificationClaim,
} from '../store/notification-log';
import type { Mailer } from '../mail/mailer';
import { writeAttemptRecords, type AttemptRecord, type NotificationOutcomeWriter, type PublishEvents } from '../store/outcome-writer';
import { loadTemplate } from '../mail/template-files';

export type { PublishEvents } from '../store/outcome-writer';

export interface NotificationDeps {
  dataSource: DataSource;
  mailer: Mailer;
  /** notificationTemplatesDir in the repository; the copied folder in a bundled app. */
  templatesDir: string;
  /** The From header, e.g. `"Consign Stream" <no-reply@example.com>`. */
  from: string;
  publish: PublishEvents;
  /** Wrap the consignors' data keys: contacts' addresses are stored sealed, and so are the log's. */
  personalDataKeys: KeyEncryptionKeys;
  /** The consumer's attempts per event (default 3): only sets NotificationFailed.willRetry. */
  maxAttempts?: number;
  /** Told of every email sent, failed or deferred (consign_emails_total). */
  countEmail?: (outcome: EmailOutcome) => void;
  /**
   * Writes the outcomes of attempts that end together in one transaction (one writer per process,
   * on the same database and outbox as dataSource and publish). Unset: each in its own transaction.
   */
  outcomeWriter?: NotificationOutcomeWriter;
  /** Most emails deliverNotifications has in flight at once (default 5; SMTP_MAX_CONNECTIONS, the pool's size). */
  sendConcurrency?: number;
  /**
   * NOTIFICATION_MAX_EVENT_AGE: an email whose event the platform received longer ago is recorded
   * as skipped, not sent (decideDelivery). Unset: no limit.
   */
  maxEventAgeMs?: number;
  /** The clock the age is read on (default Date.now). */
  now?: () => number;
}

/** What became of one email: handed to the SMTP server, refused or unreachable, or waiting for its recipient's contact. */
export type EmailOutcome = 'sent' | 'failed' | 'deferred';

/**
 * sent: this call sent it; duplicate: sent, sending, skipped or deferred before; skipped: recorded
 * as not to be sent; deferred: recorded as awaiting the consignor's contact (sendAwaitingNotifications).
 */
export type NotifyOutcome = 'sent' | 'duplicate' | 'skipped' | 'deferred';

export interface NotificationRequest {
  cause: EventMetadata;
  consignorId: string;
  template: NotificationTemplate;
  values: EventValues;
}

/** The outcome of one attempt at a notification whose recipient is decided. */
export type AttemptOutcome = { kind: 'sent' | 'duplicate' | 'skipped' } | { kind: 'failed'; error: PlatformError };

/** The NOTIFICATION_MAX_EVENT_AGE limit as of now, or none. */
export function lateEmailLimit(deps: NotificationDeps): LateEmailLimit | undefined {
  return deps.maxEventAgeMs === undefined ? undefined : { maxEventAgeMs: deps.maxEventAgeMs, nowMs: (deps.now ?? Date.now)() };
}

async function recipientOf(deps: NotificationDeps, request: NotificationRequest): Promise<RecipientDecision> {
  return decideDelivery(
    await findContact(deps.dataSource.manager, deps.personalDataKeys, request.consignorId),
    request.cause,
    lateEmailLimit(deps),
  );
}

/** Records the attempt's outcome and its event, committed when this resolves. */
async function recordAttempt(deps: NotificationDeps, record: AttemptRecord): Promise<void> {
  if (deps.outcomeWriter) await deps.outcomeWriter.write(record);
  else await writeAttemptRecords(deps.dataSource, deps.publish, [record]);
}

async function render(deps: NotificationDeps, request: NotificationRequest, displayName: string): Promise<RenderedEmail> {
  try {
    return renderTemplate(await loadTemplate(deps.templatesDir, request.template), { ...request.values, displayName });
  } catch (error) {
    // A missing or broken template is fixed by a deployment; retrying, then the dead-letter topic, keeps the event.
    throw new PlatformError(`template ${request.template} could not be rendered: ${(error as Error).message}`, {
      code: 'notification.template_failed',
      category: 'transient',
      cause: error,
    });
  }
}

function smtpErrorCode(error: unknown): string | null {
  const { responseCode, code } = error as { responseCode?: number; code?: string };
  return responseCode !== undefined ? String(responseCode) : (code ?? null);
}

/**
 * Sends one email for one (event, template) at most once, whatever the redelivery or replay:
 * the log row is claimed in its own short transaction before the SMTP conversation, and the
 * outcome recorded (with its event) after it, in a transaction it may share with other attempts
 * that ended meanwhile (deps.outcomeWriter). A crash between the two, or a failure of that
 * transaction, leaves the row `sending`, which is never resent automatically: the read API reports
 * it as uncertain. An SMTP failure is recorded (row `failed`, NotificationFailed) and returned, not thrown.
 */
export async function attemptNotification(
  deps: NotificationDeps,
  request: NotificationRequest,
  decision: Exclude<RecipientDecision, { kind: 'unknown' }>,
): Promise<AttemptOutcome> {
  const { cause, consignorId, template } = request;
  const notificationId = notificationIdFor(cause.eventId, template);
  const key: NotificationKey = { eventId: cause.eventId, template };
  const claimOf = (status: 'sending' | 'skipped', recipient: string | null, skipReason: string | null) => ({
    ...key,
    notificationId,
    eventType: cause.eventType,
    tenantId: cause.tenantId,
    consignorId,
    recipient,
    messageId: messageIdFor(notificationId),
    status,
    skipReason,
  });

  if (decision.kind === 'skip') {
    return {
      kind: (await claimNotification(deps.dataSource.manager, deps.personalDataKeys, claimOf('skipped', null, decision.reason)))
        ? 'skipped'
        : 'duplicate',
    };
  }

  const email = await render(deps, request, decision.displayName);
  // One statement outside any transaction: committed before the first SMTP byte.
  const claim = await claimNotification(deps.dataSource.manager, deps.personalDataKeys, claimOf('sending', decision.to, null));
  if (!claim) return { kind: 'duplicate' };

  return sendClaimed(deps, request, decision.to, email, claim.attempt, (message) =>
    sealNotificationError(deps.dataSource.manager, deps.personalDataKeys, consignorId, message),
  );
}

/** The SMTP conversation of a claimed row, and the record of how it ended (recordAttempt). */
async function sendClaimed(
  deps: NotificationDeps,
  request: NotificationRequest,
  to: string,
  email: RenderedEmail,
  attempt: number,
  sealError: (message: string) => Promise<Buffer | null>,
): Promise<AttemptOutcome> {
  const { cause, consignorId, template } = request;
  const notificationId = notificationIdFor(cause.eventId, template);
  const key: NotificationKey = { eventId: cause.eventId, template };
  let info: { messageId: string; response?: string };
  try {
    info = await deps.mailer.sendMail({
      from: deps.from,
      to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: messageIdFor(notificationId),
      headers: { 'X-Consign-Notification-Id': notificationId },
    });
  } catch (error) {
    const message = (error as Error).message;
    const errorCode = smtpErrorCode(error);
    const facts: AttemptFacts = { notificationId, consignorId, template, attempt, at: Date.now() };
    const willRetry = attempt < (deps.maxAttempts ?? 3);
    deps.countEmail?.('failed');
    // Sealed before joining the shared transaction, which then holds only the multi-row writes.
    const sealedError = await sealError(message);
    await recordAttempt(deps, {
      outcome: { ...key, status: 'failed', sealedError, errorCode },
      event: notificationFailed(cause, facts, { error: message, errorCode, willRetry }),
    });
    return {
      kind: 'failed',
      error: new PlatformError(`sending ${template} email ${notificationId} failed: ${message}`, {
        code: 'notification.smtp_failed',
        category: 'transient',
        details: { notificationId, attempt, smtpCode: errorCode },
        cause: error,
      }),
    };
  }

  deps.countEmail?.('sent');
  const providerMessageId = providerMessageIdFrom(info.response);
  const facts: AttemptFacts = { notificationId, consignorId, template, attempt, at: Date.now() };
  await recordAttempt(deps, {
    outcome: { ...key, status: 'sent', providerMessageId },
    event: notificationSent(cause, facts, providerMessageId),
  });
  return { kind: 'sent' };
}

/**
 * Sends the notification of a consumed event, or, when its consignor is not known yet, records it
 * as awaiting the contact. An SMTP failure throws (transient), so the consumer's redelivery retries it.
 */
export async function deliverNotification(deps: NotificationDeps, request: NotificationRequest): Promise<NotifyOutcome> {
  let decision = await recipientOf(deps, request);
  if (decision.kind === 'unknown') {
    const deferred = await deferNotification(deps.dataSource.manager, deferredOf(request));
    if (!deferred) return 'duplicate';
    // The contact may have been recorded, and its awaiting notifications looked for, between the
    // first read and the deferral: reading it again means this row never waits for a contact that came.
    decision = await recipientOf(deps, request);
    if (decision.kind === 'unknown') {
      deps.countEmail?.('deferred');
      return 'deferred';
    }
  }
  const outcome = await attemptNotification(deps, request, decision);
  if (outcome.kind === 'failed') throw outcome.error;
  return outcome.kind;
}

function deferredOf(request: NotificationRequest): DeferredNotification {
  const notificationId = notificationIdFor(request.cause.eventId, request.template);
  return {
    eventId: request.cause.eventId,
    template: request.template,
    notificationId,
    consignorId: request.consignorId,
    messageId: messageIdFor(notificationId),
    cause: request.cause,
    values: request.values,
  };
}

/** Runs `work` on every item, at most `limit` at a time; settles when all have. */
async function eachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) await work(items[index]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/**
 * deliverNotification for a run of requests (a run of one event type, decision 0025), with the
 * same outcome for each as calling it on them one after another, in a few statements whatever
 * their number: the contacts and their data keys are read in two, the unknown recipients'
 * notifications deferred in one (and their contacts read again in two), every row claimed in one,
 * before any SMTP byte. The claimed emails are then sent over the mailer's pool, at most
 * `sendConcurrency` at once, and each outcome recorded as it ends (deps.outcomeWriter: the outcomes
 * that end together share a transaction). A request for an (event, template) met earlier in the
 * run is a duplicate. When an email failed, the first failure is thrown after every other outcome
 * is recorded, as deliverNotification throws it; a template that cannot be rendered throws before
 * anything is claimed.
 */
export async function deliverNotifications(deps: NotificationDeps, requests: readonly NotificationRequest[]): Promise<NotifyOutcome[]> {
  const manager = deps.dataSource.manager;
  const outcomes: (NotifyOutcome | undefined)[] = requests.map(() => undefined);
  const firstOfKey = new Set<string>();
  const unique: number[] = [];
  requests.forEach((request, index) => {
    const key = notificationKeyOf({ eventId: request.cause.eventId, template: request.template });
    if (firstOfKey.has(key)) outcomes[index] = 'duplicate';
    else {
      firstOfKey.add(key);
      unique.push(index);
    }
  });
  const contacts = await findContacts(
    manager,
    deps.personalDataKeys,
    unique.map((index) => requests[index].consignorId),
  );
  const limit = lateEmailLimit(deps);
  const decisionOf = (index: number): RecipientDecision =>
    decideDelivery(contacts.get(requests[index].consignorId), requests[index].cause, limit);
  const unknown = unique.filter((index) => decisionOf(index).kind === 'unknown');
  if (unknown.length > 0) {
    const deferred = await deferNotifications(
      manager,
      unknown.map((index) => deferredOf(requests[index])),
    );
    const waiting = unknown.filter((index) =>
      deferred.has(notificationKeyOf({ eventId: requests[index].cause.eventId, template: requests[index].template })),
    );
    for (const index of unknown) if (!waiting.includes(index)) outcomes[index] = 'duplicate';
    // As in deliverNotification: a contact recorded meanwhile is read again, so no row waits for a contact that came.
    for (const [id, contact] of await findContacts(
      manager,
      deps.personalDataKeys,
      waiting.map((index) => requests[index].consignorId),
    ))
      contacts.set(id, contact);
    for (const index of waiting) {
      if (decisionOf(index).kind !== 'unknown') continue;
      deps.countEmail?.('deferred');
      outcomes[index] = 'deferred';
    }
  }
  const attempts = unique.filter((index) => outcomes[index] === undefined);
  const attempted = await attemptNotifications(
    deps,
    attempts.map((index) => ({ request: requests[index], decision: decisionOf(index) as Exclude<RecipientDecision, { kind: 'unknown' }> })),
  );
  let failure: PlatformError | undefined;
  attempts.forEach((index, n) => {
    const outcome = attempted[n];
    if (outcome.kind === 'failed') failure ??= outcome.error;
    else outcomes[index] = outcome.kind;
  });
  if (failure) throw failure;
  return outcomes as NotifyOutcome[];
}

/**
 * attemptNotification for notifications of distinct (event, template)s whose recipients are
 * decided: rendered, then claimed in one statement, then sent at most `sendConcurrency` at once.
 */
export async function attemptNotifications(
  deps: NotificationDeps,
  items: readonly { request: NotificationRequest; decision: Exclude<RecipientDecision, { kind: 'unknown' }> }[],
): Promise<AttemptOutcome[]> {
  if (items.length === 0) return [];
  const emails = await Promise.all(
    items.map(({ request, decision }) => (decision.kind === 'send' ? render(deps, request, decision.displayName) : undefined)),
  );
  const sending = items.filter(({ decision }) => decision.kind === 'send');
  const sealers = await personalDataSealers(
    deps.dataSource.manager,
    deps.personalDataKeys,
    sending.map(({ request }) => consignorSubject(request.consignorId)),
  );
  const claims: SealedNotificationClaim[] = items.map(({ request, decision }) => {
    const notificationId = notificationIdFor(request.cause.eventId, request.template);
    return {
      eventId: request.cause.eventId,
      template: request.template,
      notificationId,
      eventType: request.cause.eventType,
      tenantId: request.cause.tenantId,
      consignorId: request.consignorId,
      sealedRecipient: decision.kind === 'send' ? (sealers.get(consignorSubject(request.consignorId))?.seal(decision.to) ?? null) : null,
      messageId: messageIdFor(notificationId),
      status: decision.kind === 'send' ? 'sending' : 'skipped',
      skipReason: decision.kind === 'skip' ? decision.reason : null,
    };
  });
  // One statement outside any transaction: every row committed before the first SMTP byte.
  const claimed = await claimNotifications(deps.dataSource.manager, claims);
  const outcomes: AttemptOutcome[] = items.map(({ request }) => ({
    kind: claimed.has(notificationKeyOf({ eventId: request.cause.eventId, template: request.template })) ? 'skipped' : 'duplicate',
  }));
  const toSend = items.flatMap((item, index) => {
    const attempt = claimed.get(notificationKeyOf({ eventId: item.request.cause.eventId, template: item.request.template }));
    const email = emails[index];
    return item.decision.kind === 'send' && attempt !== undefined && email !== undefined
      ? [{ index, request: item.request, to: item.decision.to, email, attempt }]
      : [];
  });
  await eachAtMost(toSend, deps.sendConcurrency ?? 5, async ({ index, request, to, email, attempt }) => {
    outcomes[index] = await sendClaimed(deps, request, to, email, attempt, (message) =>
      Promise.resolve(sealers.get(consignorSubject(request.consignorId))?.seal(message) ?? null),
    );
  });
  return outcomes;
}
