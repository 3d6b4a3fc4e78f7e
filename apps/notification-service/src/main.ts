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
  notificationEventHandlers,
  NotificationOutcomeWriter,
  notificationMigrations,
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
    maxEventAgeMs: config.maxEventAgeMs,
    countEmail: (countEmail ??= emailMetrics(context.metrics)),
    outcomeWriter: (outcomeWriter ??= new NotificationOutcomeWriter({ dataSource: context.database, publish: context.publish })),
  });
  const { handlers, runHandlers } = notificationEventHandlers(deps, config.personalDataKeys);
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
    handlers,
    runHandlers,
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
