import { telemetry } from './instrumentation';
import { ConfigError, databaseTls, kafkaConnection, platformConsumerGroups, registryConnection } from '@consign/config';
import { OperatorActionRecorded, topics } from '@consign/contracts';
import { checkDatabase, createServiceDataSource, postgresOutagePolicy, runMigrationCommand } from '@consign/database';
import { ConsumerMetrics, ConsumerRunner, createKafka, EventCodec, EventPublisher } from '@consign/kafka';
import { startLagExporter } from '@consign/monitoring';
import { recordAdminCall } from '@consign/operations';
import { startTenantDirectory } from '@consign/tenants';
import { createOutboxRelay, registerOutboxMetrics } from '@consign/outbox';
import { Registry } from 'prom-client';
import {
  createReconciliationRouter,
  httpLocalReadApi,
  ReconciliationDeps,
  reconciliationMigrations,
  reconciliationPublishes,
  reconciliationMetrics,
  runReconciliation,
  shopifyReaderFactory,
} from '@consign/reconciliation';
import { createLogger, createServiceHttp, logStartupRetry, runService, untilDone } from '@consign/service-runtime';
import { loadReconcilerConfig } from './config';

const service = 'reconciler';

/**
 * The reconciler: compares each tenant's Shopify state with the services' read APIs on a schedule
 * and on demand, and publishes repairs through its outbox. It consumes no topic.
 */
async function main(command = process.argv[2]): Promise<void> {
  const config = loadReconcilerConfig();
  const logger = createLogger(service);
  const database = createServiceDataSource({
    url: config.databaseUrl,
    tls: databaseTls(config),
    migrations: reconciliationMigrations,
    applicationName: service,
  });
  await database.initialize();
  if (command === 'migrate') return runMigrationCommand(database, logger);
  if (command !== undefined) throw new Error(`unknown command ${JSON.stringify(command)}: expected no command (serve) or "migrate"`);

  const kafka = createKafka({ clientId: service, connection: kafkaConnection(config), logger });
  const codec = new EventCodec(registryConnection(config));
  const publisher = new EventPublisher(kafka, codec);
  // Tenants come from TENANTS and the tenant store, followed at run time (decision 0018); the reconciler never sees their secrets.
  const tenantStore = startTenantDirectory({
    service,
    kafka,
    codec,
    logger,
    seed: config.tenants.tenants,
    createTopic: config.createTopics,
  });
  const metrics = new Registry();
  const deps: ReconciliationDeps = {
    dataSource: database,
    tenants: tenantStore.directory,
    codec,
    local: httpLocalReadApi({ inventory: config.inventoryUrl, earnings: config.earningsUrl }, config.readApiKey),
    shopifyReaderFor: shopifyReaderFactory({
      accessTokens: config.shopifyAdminTokens,
      apiVersion: config.shopifyAdminApiVersion,
      originOverride: config.shopifyAdminApiOrigin,
      onWait: (wait) => logger.info(wait, 'waiting for Shopify query points'),
    }),
    onRunFinished: reconciliationMetrics(metrics),
  };
  const relay = createOutboxRelay({ dataSource: database, publisher, publishes: reconciliationPublishes, lockName: service, logger });
  registerOutboxMetrics(metrics, database);

  let publishing = false;
  const http = createServiceHttp({
    service,
    logger,
    metrics,
    apiKeys: config.apiKeys,
    readiness: [
      { name: 'postgres', check: () => checkDatabase(database) },
      tenantStore.readiness,
      {
        name: 'publisher',
        check: async () => {
          if (!publishing) throw new Error('not connected to Kafka and the schema registry yet');
        },
      },
    ],
  });
  http.app.use(createReconciliationRouter(deps, { guard: http.guard, defaultWindowMs: config.windowMs }));
  http.finish();

  // Every group's lag, read from Kafka here so that it is reported while a consumer is down (decision 0022).
  // Its own client, without the app's logger: the exporter logs an outage once, not every retry. Readiness does not wait on it.
  const lagExporter = startLagExporter({
    kafka: createKafka({ clientId: `${service}-lag-exporter`, connection: kafkaConnection(config) }),
    registry: http.metrics,
    logger,
    intervalMs: config.lagPollIntervalMs,
    groups: platformConsumerGroups(config),
  });

  let round: Promise<void> | undefined;
  const reconcileEveryTenant = async () => {
    for (const tenant of tenantStore.directory.tenants) {
      const to = new Date();
      const run = await runReconciliation(deps, {
        tenantId: tenant.id,
        from: new Date(to.getTime() - config.windowMs),
        to,
        trigger: 'schedule',
        actor: 'schedule',
      });
      const log = run.status === 'succeeded' ? logger.info.bind(logger) : logger.warn.bind(logger);
      log(
        { runId: run.id, tenantId: tenant.id, status: run.status, counts: run.counts, error: run.error },
        'scheduled reconciliation finished',
      );
    }
  };
  const timer =
    config.scheduleEveryMs === undefined
      ? undefined
      : setInterval(() => {
          // A round slower than the interval is not overlapped by the next.
          if (round !== undefined) return;
          round = reconcileEveryTenant()
            .catch((error: unknown) =>
              logger.warn({ err: (error as Error).message }, 'scheduled reconciliation failed; retrying next round'),
            )
            .finally(() => {
              round = undefined;
            });
        }, config.scheduleEveryMs);

  // Every app publishes its admin calls; the reconciler keeps them in the one audit log, beside its own.
  const auditLog = new ConsumerRunner<OperatorActionRecorded>(kafka, codec, {
    groupId: config.auditConsumerGroup,
    topics: [topics.operationsAudit],
    publisher,
    metrics: new ConsumerMetrics(http.metrics),
    logger,
    dependency: postgresOutagePolicy(database),
    createTopics: config.createTopics,
    handle: (event) => recordAdminCall(database, event.value),
  });

  await runService({
    service,
    listeners: [{ name: 'internal', app: http.app, port: config.port, host: config.host }],
    logger,
    stop: [
      { name: 'schedule', run: async () => (timer === undefined ? undefined : clearInterval(timer)) },
      { name: 'scheduled round', run: async () => round },
      { name: 'lag exporter', run: () => lagExporter.stop() },
      { name: 'audit log consumer', run: () => auditLog.stop() },
      { name: 'tenant store', run: () => tenantStore.stop() },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'database', run: () => database.destroy() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
  // Listening first: /healthz answers, and /readyz says why, while Kafka and the registry are reached.
  await untilDone(
    async () => {
      await codec.prepare(reconciliationPublishes, { register: config.registerSchemas });
      await publisher.connect();
      await auditLog.start();
    },
    { onRetry: logStartupRetry(logger, 'cannot reach Kafka or the schema registry yet; retrying') },
  );
  relay.start();
  publishing = true;
  logger.info({ scheduleEveryMs: config.scheduleEveryMs ?? 'off', windowMs: config.windowMs }, 'reconciling');
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
