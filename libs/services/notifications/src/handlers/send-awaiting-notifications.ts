import { decideDelivery } from '../domain/contact';
import { findContact } from '../store/contacts';
import { findDeferredNotifications } from '../store/notification-log';
import { attemptNotification, lateEmailLimit, type NotificationDeps } from './deliver-notification';

/** What one sendAwaitingNotifications call did; rows another caller took meanwhile are not counted. */
export interface AwaitingNotificationsResult {
  sent: number;
  skipped: number;
  failed: number;
}

/**
 * Sends, oldest first, the consignor's notifications that were deferred because their contact was
 * not known, now that it may be: call it after recording a ConsignorRegistered/Updated (and
 * Deactivated, which skips them). A deferred notification whose attempt failed is attempted again
 * on each call. Each row is claimed like any other, so concurrent calls, or a redelivery of the
 * original event, send each email once. SMTP failures are recorded and counted, not thrown; a
 * template that cannot be rendered throws (transient), leaving its row for the next call.
 */
export async function sendAwaitingNotifications(deps: NotificationDeps, consignorId: string): Promise<AwaitingNotificationsResult> {
  const result: AwaitingNotificationsResult = { sent: 0, skipped: 0, failed: 0 };
  const contact = await findContact(deps.dataSource.manager, deps.personalDataKeys, consignorId);
  const limit = lateEmailLimit(deps);
  for (const deferred of await findDeferredNotifications(deps.dataSource.manager, consignorId)) {
    const decision = decideDelivery(contact, deferred.cause, limit);
    if (decision.kind === 'unknown') continue;
    const outcome = await attemptNotification(
      deps,
      { cause: deferred.cause, consignorId, template: deferred.template, values: deferred.values },
      decision,
    );
    if (outcome.kind !== 'duplicate') result[outcome.kind] += 1;
  }
  return result;
}
