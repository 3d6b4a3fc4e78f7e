import { EventHandlers, EventRunHandlers, EventServiceContext } from '@consign/event-service';
import type { KeyEncryptionKeys } from '@consign/personal-data';
import { recordConsignorDeactivated, recordConsignorRegistered, recordConsignorUpdated } from '../store/contacts';
import type { NotificationDeps } from './deliver-notification';
import { notifyConsignorRegistered, notifyEarningsReversals, notifyEarningsReversed, notifyItemSold, notifyItemsSold } from './notify';
import { sendAwaitingNotifications } from './send-awaiting-notifications';

/**
 * notification-service's one dispatch table. The contact projection is applied once; the email is
 * attempted on every delivery, because the notification log, not the processed-event record,
 * decides whether it was already sent. `deps` gives the sending dependencies for a consumer context.
 */
export function notificationEventHandlers(
  deps: (context: EventServiceContext) => NotificationDeps,
  personalDataKeys: KeyEncryptionKeys,
): { handlers: EventHandlers; runHandlers: EventRunHandlers } {
  // Emails that arrived before their recipient wait for the contact; each consignor event releases them.
  const sendAwaiting = async (context: EventServiceContext, consignorId: string) => {
    const result = await sendAwaitingNotifications(deps(context), consignorId);
    if (result.failed > 0)
      context.logger.warn(
        { consignorId, ...result },
        'some waiting emails could not be sent; they are retried with the next event of this consignor',
      );
    return result;
  };
  return {
    handlers: {
      consignorRegistered: async (value, event, context) => {
        await context.applyEvent(event, (manager) => recordConsignorRegistered(manager, personalDataKeys, value));
        await notifyConsignorRegistered(deps(context), value);
        return sendAwaiting(context, value.consignor.id);
      },
      consignorUpdated: async (value, event, context) => {
        await context.applyEvent(event, (manager) => recordConsignorUpdated(manager, personalDataKeys, value));
        return sendAwaiting(context, value.consignor.id);
      },
      consignorDeactivated: async (value, event, context) => {
        // Also erases the consignor's name and address (crypto-shredding): see recordConsignorDeactivated.
        await context.applyEvent(event, (manager) => recordConsignorDeactivated(manager, value));
        return sendAwaiting(context, value.consignorId);
      },
      earningsRecorded: (value, _event, context) => notifyItemSold(deps(context), value),
      earningsReversed: (value, _event, context) => notifyEarningsReversed(deps(context), value),
    },
    // A run of sales (or reversals) is claimed in one statement and its emails sent side by side
    // over the pool; consignor events between runs are still applied by key (decision 0025).
    runHandlers: {
      earningsRecorded: (run, context) =>
        notifyItemsSold(
          deps(context),
          run.map((event) => event.value),
        ),
      earningsReversed: (run, context) =>
        notifyEarningsReversals(
          deps(context),
          run.map((event) => event.value),
        ),
    },
  };
}
