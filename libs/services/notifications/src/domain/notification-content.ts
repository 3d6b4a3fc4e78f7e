import { deterministicEventId, type EarningsRecorded, type EarningsReversalReason, type EarningsReversed } from '@consign/contracts';
import { formatMoney } from './money';

export const notificationTemplates = ['welcome', 'item-sold', 'earnings-reversed'] as const;
export type NotificationTemplate = (typeof notificationTemplates)[number];

/** The same for every attempt at one (event, template): the log's id and the email's Message-ID. */
export function notificationIdFor(eventId: string, template: NotificationTemplate): string {
  return deterministicEventId('notification', eventId, template);
}

/** A resend carries the same Message-ID, so the recipient's mail system and people can tell. */
export function messageIdFor(notificationId: string): string {
  return `<${notificationId}@notifications.consign-stream>`;
}

const UNTITLED = 'your item';

/**
 * The template values an event gives. `displayName` is not among them: it comes from the contact
 * when the email is sent, which for a deferred notification is after the event was handled.
 */
export type EventValues = Record<string, string>;

export function itemSoldValues(event: EarningsRecorded): EventValues {
  return {
    itemTitle: event.itemTitle?.trim() || UNTITLED,
    quantity: String(event.quantity),
    amountEarned: formatMoney(event.consignorShare),
    payoutNote: event.status === 'pending' ? 'The amount becomes payable once the buyer has paid for the order.' : '',
  };
}

const REVERSAL_REASONS: Record<EarningsReversalReason, string> = {
  order_cancelled: 'the order was cancelled',
  refunded: 'the buyer was refunded',
  line_removed: 'the item was removed from the order',
  correction: 'of a correction by the store',
  other: 'the store reversed it',
};

export function earningsReversedValues(event: EarningsReversed): EventValues {
  return {
    itemTitle: event.itemTitle?.trim() || UNTITLED,
    quantity: String(event.quantity),
    amountReversed: formatMoney(event.consignorShare),
    // An enum symbol added after this code was written arrives as `other` (the schema's default).
    reason: REVERSAL_REASONS[event.reason] ?? REVERSAL_REASONS.other,
    note: event.note?.trim() ? `Note from the store: ${event.note.trim()}` : '',
  };
}
