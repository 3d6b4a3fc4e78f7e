import { telemetry } from './instrumentation';
import { Registry } from 'prom-client';
import { ConfigError, databaseTls, kafkaConnection, registryConnection } from '@consign/config';
import { events, topics } from '@consign/contracts';
import { checkDatabase, createServiceDataSource, runMigrationCommand } from '@consign/database';
import { Kafka } from 'kafkajs';
import { createKafka, describeDrift, ensureTopics, EventCodec, EventPublisher, publishAdminCalls } from '@consign/kafka';
import { isPlatformError } from '@consign/errors';
import {
  auditAdminCalls,
  createLogger,
  createPublicHttp,
  createServiceHttp,
  linearDelay,
  Logger,
  logStartupRetry,
  retry,
  runService,
  untilDone,
} from '@consign/service-runtime';
import { startTenantDirectory } from '@consign/tenants';
import { runRewrapCommand } from '@consign/personal-data';
import {
  ArchiveSealing,
  createAdminRouter,
  createWebhookRouter,
  DeliveryHistory,
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
  const codec = new EventCodec(registryConnection(config));
  const publisher = new EventPublisher(kafka, codec);
  // Topics need Kafka, which may be down while webhooks still arrive (they go to the spool), so the
  // gateway starts without it and provisions (or, outside development, checks) once it answers.
  const provisioning = provisionUntilDone(kafka, config.createTopics, logger);
  // TENANTS and the tenant store, followed at run time (decision 0018): answered from memory on the webhook path.
  const tenantStore = startTenantDirectory({
    service,
    kafka,
    codec,
    logger,
    seed: config.tenants.tenants,
    secretsKeys: config.tenantSecretsKeys,
    createTopic: config.createTopics,
  });
  const admin = kafka.admin();

  const store = new DeliveryStore(database);
  const archiveSealing = new ArchiveSealing(database, config.personalDataKeys);
  const metrics = new Registry();
  const gatewayMetrics = new GatewayMetrics(metrics, () => store.spoolBacklog());
  const intake = new WebhookIntake({
    store,
    publisher,
    publishTimeoutMs: config.publishTimeoutMs,
    claimLingerMs: config.claimLingerMs,
    onRecordingFailed: (deliveryKey, error) =>
      logger.warn({ deliveryKey, err: error.message }, 'delivery published but not recorded as published'),
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
  const history = new DeliveryHistory(database, {
    onUnrecorded: (count, error) => {
      gatewayMetrics.historyUnrecorded.inc(count);
      if (error) logger.warn({ count, err: error.message }, 'delivery history not recorded');
    },
  });
  const forget = setInterval(() => {
    store
      .forgetOlderThan(config.dedupeWindowMs)
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'dedupe cleanup failed'));
    history
      .forgetOlderThan(config.historyRetentionMs)
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'delivery history cleanup failed'));
  }, 10 * 60_000);
  forget.unref();

  const admission = new WebhookAdmission(config.maxInFlight, config.maxInFlightPerSender, (inFlight) =>
    gatewayMetrics.inFlight.set(inFlight),
  );
  // Ready while a delivery can be made durable: on Kafka, or in the spool when Kafka is down.
  let schemaProblem: string | undefined = 'not prepared yet';
  const readiness = [
    {
      // Without its schemas the gateway cannot make a webhook durable: it answers 503 until then.
      name: 'schemas',
      check: async () => {
        if (schemaProblem !== undefined) throw new Error(`event schemas: ${schemaProblem}`);
      },
    },
    {
      name: 'topics',
      check: async () => {
        const missing = provisioning.missing();
        if (missing !== undefined) throw new Error(missing);
      },
    },
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
    tenantStore.readiness,
  ];
  const publicHttp = createPublicHttp({ service, logger, readiness, metrics });
  publicHttp.app.set('trust proxy', false);
  publicHttp.app.use(
    createWebhookRouter({
      tenants: tenantStore.directory,
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
      history,
    }),
  );
  publicHttp.finish();
  const internalHttp = createServiceHttp({ service, logger, metrics, readiness, apiKeys: config.apiKeys });
  // An operator's replay of up to 500 deliveries waits longer for Kafka than a sender's request does.
  const replay = new WebhookReplay({ tenants: tenantStore.directory, codec, publisher, store, publishTimeoutMs: 30_000 });
  const archive = new WebhookArchive(kafka, admin, codec, archiveSealing);
  // Before the key check, so refused calls are recorded too.
  internalHttp.app.use('/admin', auditAdminCalls(publishAdminCalls(publisher, service), logger));
  internalHttp.app.use(createAdminRouter({ store, intake, history, replay, archive, guard: internalHttp.guard }));
  internalHttp.finish();

  await runService({
    service,
    listeners: [
      {
        name: 'public',
        app: publicHttp.app,
        port: config.port,
        host: config.host,
        deadlines: { headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs },
      },
      { name: 'internal', app: internalHttp.app, port: config.internalPort, host: config.internalHost },
    ],
    logger,
    stop: [
      { name: 'provisioning', run: () => provisioning.stop() },
      { name: 'spool-relay', run: () => relay.stop() },
      { name: 'tenant store', run: () => tenantStore.stop() },
      { name: 'published-records', run: () => intake.recorded() },
      { name: 'delivery-history', run: () => history.stop() },
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'kafka-admin', run: () => admin.disconnect() },
      { name: 'database', run: () => database.destroy() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
  // Listening first, so /readyz says why: a registry that is down or slow (once, an Apicurio request
  // answered after 10 s) is waited out, and a schema `npm run provision` has not registered yet is named.
  const logSchemaRetry = logStartupRetry(logger, 'cannot prepare the event schemas yet; retrying');
  await untilDone(() => codec.prepare(Object.values(events), { register: config.registerSchemas }), {
    onRetry: (attempt, delayMs, error) => {
      schemaProblem = error.message;
      logSchemaRetry(attempt, delayMs, error);
    },
  });
  schemaProblem = undefined;
}

/**
 * Creates (development) or checks the catalogue's topics once Kafka answers. `missing()` names the
 * topics `npm run provision` has not made yet: Kafka being down is no reason to be unready, as the
 * spool takes webhooks, but a missing topic is, until the deploy step has run.
 */
function provisionUntilDone(kafka: Kafka, create: boolean, logger: Logger): { missing(): string | undefined; stop(): Promise<void> } {
  let stopped = false;
  let missing: string | undefined;
  const done = (async () => {
    await retry(
      async () => {
        const report = await ensureTopics(kafka, Object.values(topics), { create });
        missing = undefined;
        if (report.created.length > 0) logger.info({ createdTopics: report.created }, 'topics created');
        if (report.drift.length > 0)
          logger.warn(
            { drift: describeDrift(report.drift) },
            'topics differ from the catalogue; left as they are (npm run provision -- --align-settings aligns them)',
          );
      },
      {
        delayMs: linearDelay(1000, 30_000),
        onRetry: (attempt, _delayMs, error) => {
          if (isPlatformError(error) && error.code === 'kafka.topics_missing') missing = error.message;
          logger.warn({ attempt, err: error.message }, 'topics not ready; checking again');
        },
        stopped: () => stopped,
      },
    );
  })();
  return {
    missing: () => missing,
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
