import { Registry } from 'prom-client';
import { ConfigError } from '@consign/config';
import { topics } from '@consign/contracts';
import { checkDatabase, createServiceDataSource, migrateDatabase } from '@consign/database';
import { createKafka, EventCodec, EventPublisher, provisionPlatform } from '@consign/kafka';
import { createLogger, createServiceHttp, httpReadiness, runService } from '@consign/service-runtime';
import {
  createAdminRouter,
  createWebhookRouter,
  DeliveryStore,
  GatewayMetrics,
  gatewayMigrations,
  SpoolRelay,
  WebhookIntake,
} from '@consign/webhook-gateway';
import { loadGatewayConfig } from './config';

const service = 'gateway';

/** `main.js migrate` applies the database migrations and exits; `main.js` serves. */
async function main(command: string | undefined): Promise<void> {
  const logger = createLogger(service);
  const config = loadGatewayConfig();
  const database = createServiceDataSource({
    url: config.databaseUrl,
    entities: [],
    migrations: gatewayMigrations,
    applicationName: service,
    synchronousCommit: false,
  });
  await database.initialize();
  if (command === 'migrate') {
    const applied = await migrateDatabase(database);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
    await database.destroy();
    return;
  }

  const kafka = createKafka({ clientId: service, brokers: config.kafkaBrokers });
  const codec = new EventCodec(config.schemaRegistryUrl);
  const provisioned = await provisionPlatform(kafka, codec);
  logger.info({ createdTopics: provisioned.created }, 'topics and schemas provisioned');
  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const admin = kafka.admin();
  await admin.connect();

  const store = new DeliveryStore(database);
  const metrics = new Registry();
  const gatewayMetrics = new GatewayMetrics(metrics, () => store.spoolDepth());
  const intake = new WebhookIntake({ store, publisher, publishTimeoutMs: config.publishTimeoutMs });
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

  const http = createServiceHttp({
    service,
    logger,
    metrics,
    readiness: [
      { name: 'kafka', check: async () => void (await admin.describeCluster()) },
      httpReadiness('schema-registry', `${config.schemaRegistryUrl}/subjects`),
      { name: 'postgres', check: () => checkDatabase(database) },
    ],
  });
  http.app.set('trust proxy', false);
  http.app.use(
    createWebhookRouter({
      tenants: config.tenants,
      intake,
      codec,
      logger,
      metrics: gatewayMetrics,
      bodyLimitBytes: config.bodyLimitBytes,
      trustedProxyCount: config.trustedProxyCount,
      allowlists: { shopify: config.shopifyAllowlist, clerk: config.clerkAllowlist },
      shopifyMaxAgeMs: config.shopifyMaxAgeMs,
      svixToleranceSeconds: config.svixToleranceSeconds,
    }),
  );
  http.app.use(createAdminRouter({ store, apiKeyHashes: config.adminApiKeyHashes }));
  http.finish();

  await runService({
    service,
    port: config.port,
    app: http.app,
    logger,
    stop: [
      { name: 'spool-relay', run: () => relay.stop() },
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'kafka-admin', run: () => admin.disconnect() },
      { name: 'database', run: () => database.destroy() },
    ],
  });
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
