import type { ConsignorRegistered, EarningsRecorded, EarningsReversed } from '@consign/contracts';
import { earningsReversedValues, itemSoldValues } from '../domain/notification-content';
import {
  deliverNotification,
  deliverNotifications,
  type NotificationDeps,
  type NotificationRequest,
  type NotifyOutcome,
} from './deliver-notification';

/**
 * Each runs after the event's projection (if any) is applied, and manages its own transactions:
 * call it on every delivery, also when applyOnce reports a duplicate, since the log, not
 * processed_events, tells whether the email went out. A consignor not known yet defers the email
 * ('deferred') until sendAwaitingNotifications runs after their contact is recorded.
 */
export function notifyConsignorRegistered(deps: NotificationDeps, event: ConsignorRegistered): Promise<NotifyOutcome> {
  return deliverNotification(deps, { cause: event.metadata, consignorId: event.consignor.id, template: 'welcome', values: {} });
}

const itemSold = (event: EarningsRecorded): NotificationRequest => ({
  cause: event.metadata,
  consignorId: event.consignorId,
  template: 'item-sold',
  values: itemSoldValues(event),
});

const earningsReversal = (event: EarningsReversed): NotificationRequest => ({
  cause: event.metadata,
  consignorId: event.consignorId,
  template: 'earnings-reversed',
  values: earningsReversedValues(event),
});

export function notifyItemSold(deps: NotificationDeps, event: EarningsRecorded): Promise<NotifyOutcome> {
  return deliverNotification(deps, itemSold(event));
}

export function notifyEarningsReversed(deps: NotificationDeps, event: EarningsReversed): Promise<NotifyOutcome> {
  return deliverNotification(deps, earningsReversal(event));
}

/**
 * notifyItemSold for a run of events (a run handler, decision 0025): the same outcomes, one per
 * event, in a few statements for the whole run (deliverNotifications), the emails sent concurrently.
 */
export function notifyItemsSold(deps: NotificationDeps, events: readonly EarningsRecorded[]): Promise<NotifyOutcome[]> {
  return deliverNotifications(deps, events.map(itemSold));
}

/** notifyEarningsReversed for a run of events, as notifyItemsSold. */
export function notifyEarningsReversals(deps: NotificationDeps, events: readonly EarningsReversed[]): Promise<NotifyOutcome[]> {
  return deliverNotifications(deps, events.map(earningsReversal));
}
