import type { ConsignorRegistered, EarningsRecorded, EarningsReversed } from '@consign/contracts';
import { earningsReversedValues, itemSoldValues } from '../domain/notification-content';
import { deliverNotification, type NotificationDeps, type NotifyOutcome } from './deliver-notification';

/**
 * Each runs after the event's projection (if any) is applied, and manages its own transactions:
 * call it on every delivery, also when applyOnce reports a duplicate, since the log, not
 * processed_events, tells whether the email went out. A consignor not known yet defers the email
 * ('deferred') until sendAwaitingNotifications runs after their contact is recorded.
 */
export function notifyConsignorRegistered(deps: NotificationDeps, event: ConsignorRegistered): Promise<NotifyOutcome> {
  return deliverNotification(deps, { cause: event.metadata, consignorId: event.consignor.id, template: 'welcome', values: {} });
}

export function notifyItemSold(deps: NotificationDeps, event: EarningsRecorded): Promise<NotifyOutcome> {
  return deliverNotification(deps, { cause: event.metadata, consignorId: event.consignorId, template: 'item-sold', values: itemSoldValues(event) });
}

export function notifyEarningsReversed(deps: NotificationDeps, event: EarningsReversed): Promise<NotifyOutcome> {
  return deliverNotification(deps, {
    cause: event.metadata,
    consignorId: event.consignorId,
    template: 'earnings-reversed',
    values: earningsReversedValues(event),
  });
}
