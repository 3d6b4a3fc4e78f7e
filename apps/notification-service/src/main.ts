import { telemetry } from './instrumentation';
import { join } from 'node:path';
import { ConfigError } from '@consign/config';
import { events, serviceReferenceTopics, serviceSubscriptions } from '@consign/contracts';
import { EventServiceContext, runEventService } from '@consign/event-service';
import {
  createNotificationReadRouter,
  createSmtpMailer,
  emailMetrics,
  NotificationDeps,
  NotificationOutcomeWriter,
  notificationMigrations,
  notifyConsignorRegistered,
  notifyEarningsReversals,
  notifyEarningsReversed,
  notifyItemSold,
  notifyItemsSold,
  recordConsignorDeactivated,
  recordConsignorRegistered,
  recordConsignorUpdated,
  sendAwaitingNotifications,
  smtpConnection,
} from '@consign/notifications';
import { runRewrapCommand } from '@consign/personal-data';
import { loadNotificationConfig } from './config';

const service = 'notification-service';

async function main(): Promise<void> {
  const config = loadNotificationConfig();
  const mailer = createSmtpMailer(smtpConnection(config));
  let countEmail: NotificationDeps['countEmail'];
  // One for the process: the outcomes of the emails the consumer sends concurrently share transactions.
  let outcomeWriter: NotificationOutcomeWriter | undefined;
  const deps = (context: EventServiceContext): NotificationDeps => ({
    dataSource: context.database,
    mailer,
    // The build copies libs/services/notifications/templates next to main.js.
    templatesDir: join(__dirname, 'templates'),
    from: config.mailFrom,
    publish: context.publish,
    personalDataKeys: config.personalDataKeys,
    maxAttempts: 3,
    // A run's emails in flight at once: as many as the pool has connections.
    sendConcurrency: config.smtpMaxConnections,
    countEmail: (countEmail ??= emailMetrics(context.metrics)),
    outcomeWriter: (outcomeWriter ??= new NotificationOutcomeWriter({ dataSource: context.database, publish: context.publish })),
  });
  const sendAwaiting = async (context: EventServiceContext, consignorId: string) => {
    const result = await sendAwaitingNotifications(deps(context), consignorId);
    if (result.failed > 0) context.logger.warn({ consignorId, ...result }, 'some waiting emails could not be sent; they are retried with the next event of this consignor');
    return result;
  };
  await runEventService({
    service,
    config,
    telemetry,
    database: { migrations: notificationMigrations(config.personalDataKeys) },
    commands: { 'rewrap-personal-data-keys': (database, logger) => runRewrapCommand(database, config.personalDataKeys, logger) },
    consumes: serviceSubscriptions['notification-service'],
    readFirst: serviceReferenceTopics['notification-service'],
    // Emails leave the database, so a unit cannot be one transaction; sends of different keys overlap instead.
    unitOfWork: { kind: 'concurrent', keys: 16 },
    publishes: [events.notificationSent, events.notificationFailed],
    // The contact projection is applied once; the email is attempted on every delivery, because the
    // notification log, not the processed-event record, decides whether it was already sent.
    handlers: {
      // Emails that arrived before their recipient wait for the contact; each consignor event releases them.
      consignorRegistered: async (value, event, context) => {
        await context.applyEvent(event, (manager) => recordConsignorRegistered(manager, config.personalDataKeys, value));
        await notifyConsignorRegistered(deps(context), value);
        return sendAwaiting(context, value.consignor.id);
      },
      consignorUpdated: async (value, event, context) => {
        await context.applyEvent(event, (manager) => recordConsignorUpdated(manager, config.personalDataKeys, value));
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
      earningsRecorded: (run, context) => notifyItemsSold(deps(context), run.map((event) => event.value)),
      earningsReversed: (run, context) => notifyEarningsReversals(deps(context), run.map((event) => event.value)),
    },
    routes: (app, context) => app.use(createNotificationReadRouter(context.database, config.personalDataKeys)),
    // After the consumer has stopped: what its last handlers left is written before the database closes.
    stop: [
      { name: 'notification outcomes', run: async () => outcomeWriter?.close() },
      { name: 'smtp', run: async () => mailer.close() },
    ],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
