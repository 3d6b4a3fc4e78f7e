import { telemetry } from './instrumentation';
import { Registry } from 'prom-client';
import { ConfigError, databaseTls, kafkaConnection } from '@consign/config';
import { events, topics } from '@consign/contracts';
import { checkDatabase, createServiceDataSource, runMigrationCommand } from '@consign/database';
import { Kafka } from 'kafkajs';
import { createKafka, EventCodec, EventPublisher, provisionTopics, publishAdminCalls } from '@consign/kafka';
import { auditAdminCalls, createLogger, createPublicHttp, createServiceHttp, Logger, logStartupRetry, runService, untilDone } from '@consign/service-runtime';
import { runRewrapCommand } from '@consign/personal-data';
import {
  ArchiveSealing,
  createAdminRouter,
  createWebhookRouter,
  DeliveryStore,
  GatewayMetrics,
  gatewayMigrations,
  SpoolRelay,
  WebhookAdmission,
  WebhookIntake,
  WebhookArchive,
  WebhookReplay,
} from '@consign/webhook-gateway';
import { loadGatewayConfig } from './config';

const service = 'gateway';

/**
 * `main.js migrate` applies the database migrations and exits; `main.js rewrap-personal-data-keys`
 * moves the archive's data keys to the current key-encryption key; `main.js` serves.
 */
async function main(command: string | undefined): Promise<void> {
  const logger = createLogger(service);
  const config = loadGatewayConfig();
  const database = createServiceDataSource({
    url: config.databaseUrl,
    tls: databaseTls(config),
    entities: [],
    migrations: gatewayMigrations,
    applicationName: service,
    synchronousCommit: false,
    // Kept through quiet spells: the first webhooks after one would otherwise wait for new
    // connections, and for the claim to be prepared again on each.
    idleTimeoutMs: 0,
  });
  await database.initialize();
  if (command === 'migrate') return runMigrationCommand(database, logger);
  if (command === 'rewrap-personal-data-keys') {
    await runRewrapCommand(database, config.personalDataKeys, logger);
    return database.destroy();
  }

  const kafka = createKafka({ clientId: service, connection: kafkaConnection(config), logger });
  const codec = new EventCodec(config.schemaRegistryUrl);
  // Schemas come from the registry; topics need Kafka, which may be down while webhooks still
  // arrive (they go to the spool), so the gateway starts without it and provisions once it answers.
  // Before listening: without its schemas the gateway could not make a webhook durable. A registry
  // that is down or slow (once, an Apicurio request answered after 10 s) is waited out.
  await untilDone(() => codec.register(Object.values(events)), {
    onRetry: logStartupRetry(logger, 'cannot register the event schemas yet; retrying'),
  });
  const publisher = new EventPublisher(kafka, codec);
  const provisioning = provisionUntilDone(kafka, logger);
  const admin = kafka.admin();

  const store = new DeliveryStore(database);
  const archiveSealing = new ArchiveSealing(database, config.personalDataKeys);
  const metrics = new Registry();
  const gatewayMetrics = new GatewayMetrics(metrics, () => store.spoolDepth());
  const intake = new WebhookIntake({
    store,
    publisher,
    publishTimeoutMs: config.publishTimeoutMs,
    claimLingerMs: config.claimLingerMs,
    onRecordingFailed: (deliveryKey, error) => logger.warn({ deliveryKey, err: error.message }, 'delivery published but not recorded as published'),
  });
  const relay = new SpoolRelay({
    dataSource: database,
    store,
    publisher,
    topics: Object.values(topics),
    onDrained: (count) => logger.info({ count }, 'spooled deliveries published to Kafka'),
    onError: (error) => logger.warn({ err: error.message }, 'spool not drained yet'),
  });
  relay.start();
  const forget = setInterval(() => {
    store.forgetOlderThan(config.dedupeWindowMs).catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'dedupe cleanup failed'));
  }, 10 * 60_000);
  forget.unref();

  const admission = new WebhookAdmission(config.maxInFlight, config.maxInFlightPerSender, (inFlight) => gatewayMetrics.inFlight.set(inFlight));
  // Ready while a delivery can be made durable: on Kafka, or in the spool when Kafka is down.
  const readiness = [
    {
      name: 'kafka-or-spool',
      check: async () => {
        const kafkaUp = admin.connect().then(() => admin.describeCluster());
        const spoolUp = checkDatabase(database);
        const [kafkaResult, spoolResult] = await Promise.allSettled([kafkaUp, spoolUp]);
        if (kafkaResult.status === 'rejected' && spoolResult.status === 'rejected') {
          throw new Error(`Kafka: ${(kafkaResult.reason as Error).message}; spool database: ${(spoolResult.reason as Error).message}`);
        }
      },
    },
  ];
  const publicHttp = createPublicHttp({ service, logger, readiness });
  publicHttp.app.set('trust proxy', false);
  publicHttp.app.use(
    createWebhookRouter({
      tenants: config.tenants,
      intake,
      codec,
      logger,
      metrics: gatewayMetrics,
      bodyLimitBytes: config.bodyLimitBytes,
      admission,
      trustedProxies: config.trustedProxies,
      allowlists: { shopify: config.shopifyAllowlist, clerk: config.clerkAllowlist },
      shopifyMaxAgeMs: config.shopifyMaxAgeMs,
      svixToleranceSeconds: config.svixToleranceSeconds,
      archiveSealing,
    }),
  );
  publicHttp.finish();
  const internalHttp = createServiceHttp({ service, logger, metrics, readiness, apiKeys: config.apiKeys });
  // An operator's replay of up to 500 deliveries waits longer for Kafka than a sender's request does.
  const replay = new WebhookReplay({ tenants: config.tenants, codec, publisher, store, publishTimeoutMs: 30_000 });
  const archive = new WebhookArchive(kafka, admin, codec, archiveSealing);
  // Before the key check, so refused calls are recorded too.
  internalHttp.app.use('/admin', auditAdminCalls(publishAdminCalls(publisher, service), logger));
  internalHttp.app.use(createAdminRouter({ store, intake, replay, archive, guard: internalHttp.guard }));
  internalHttp.finish();

  await runService({
    service,
    listeners: [
      { name: 'public', app: publicHttp.app, port: config.port, host: config.host, deadlines: { headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs } },
      { name: 'internal', app: internalHttp.app, port: config.internalPort, host: config.internalHost },
    ],
    logger,
    stop: [
      { name: 'provisioning', run: () => provisioning.stop() },
      { name: 'spool-relay', run: () => relay.stop() },
      { name: 'published-records', run: () => intake.recorded() },
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'kafka-admin', run: () => admin.disconnect() },
      { name: 'database', run: () => database.destroy() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

function provisionUntilDone(kafka: Kafka, logger: Logger): { stop(): Promise<void> } {
  let stopped = false;
  const done = (async () => {
    for (let attempt = 1; !stopped; attempt += 1) {
      try {
        const report = await provisionTopics(kafka, Object.values(topics));
        logger.info({ createdTopics: report.created, reconfiguredTopics: report.reconfigured }, 'topics provisioned');
        return;
      } catch (error) {
        logger.warn({ attempt, err: (error as Error).message }, 'Kafka unreachable; topics will be provisioned when it answers');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * attempt)));
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 1000))]);
    },
  };
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
