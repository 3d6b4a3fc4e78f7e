import { Express } from 'express';
import { Registry } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { AnyEventDefinition, EventDefinition, EventMetadata, events, PlatformEvent, TopicDefinition } from '@consign/contracts';
import { applyOnce, checkDatabase, createServiceDataSource, postgresOutagePolicy, runMigrationCommand, ServiceDatabaseOptions } from '@consign/database';
import { ConsumedEvent, ConsumerMetrics, ConsumerRunner, createKafka, EventCodec, EventPublisher } from '@consign/kafka';
import { appendEventsToOutbox, OutboxRelay } from '@consign/outbox';
import { createEventServiceAdminRouter } from './admin-router';
import { createLogger, createServiceHttp, Logger, logStartupRetry, ReadinessCheck, runService, untilDone } from '@consign/service-runtime';
import { Telemetry } from '@consign/telemetry';

/** Settings every event-consuming service has; each app parses its own, once, at start-up. */
export interface EventServiceConfig {
  port: number;
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  consumerGroup: string;
  /** Hashes of the API keys the /admin endpoints accept. */
  adminApiKeyHashes: string[];
}

export interface EventServiceContext {
  service: string;
  database: DataSource;
  logger: Logger;
  metrics: Registry;
  /**
   * Applies one consumed event exactly once for this consumer group: the effect and the record of
   * having processed it commit together, and the events the effect returns go to the outbox in the
   * same transaction. A repeat (redelivery, replay) finds the record and changes nothing.
   */
  applyEvent(event: ConsumedEvent<{ metadata: EventMetadata }>, effect: (manager: EntityManager) => Promise<readonly PlatformEvent[] | void>): Promise<'applied' | 'duplicate'>;
  /** Appends events to the outbox inside the caller's transaction, for effects that manage their own transactions. */
  publish(manager: EntityManager, pending: readonly PlatformEvent[]): Promise<void>;
}

type Catalogue = typeof events;
type ValueOf<K extends keyof Catalogue> = Catalogue[K] extends EventDefinition<infer TValue> ? TValue : never;

/** What the service does with each event type it consumes, by catalogue name; other types on its topics are skipped. */
export type EventHandlers = {
  [K in keyof Catalogue]?: (value: ValueOf<K>, event: ConsumedEvent<ValueOf<K>>, context: EventServiceContext) => Promise<unknown>;
};

type AnyHandler = (value: unknown, event: ConsumedEvent<unknown>, context: EventServiceContext) => Promise<unknown>;

export interface EventServiceDefinition {
  service: string;
  config: EventServiceConfig;
  database: Pick<ServiceDatabaseOptions, 'entities' | 'migrations'>;
  consumes: TopicDefinition[];
  /** Events this service writes to its outbox; their schemas are registered at start and their topics relayed. */
  publishes: AnyEventDefinition[];
  handlers: EventHandlers;
  /** The service's read API and anything else it serves besides /healthz, /readyz and /metrics. */
  routes?(app: Express, context: EventServiceContext): void;
  /** Periodic work (e.g. moving held records to reconciliation); a failed round is logged and retried next time. */
  jobs?: Array<{ name: string; everyMs: number; run(context: EventServiceContext): Promise<void> }>;
  readiness?: ReadinessCheck[];
  /** Run after the consumer and the outbox relay have stopped. */
  stop?: Array<{ name: string; run: () => Promise<void> }>;
  telemetry?: Telemetry;
}

/**
 * The composition every consuming service shares: its own database (`main.js migrate` applies the
 * migrations and exits), a consumer group whose handler applies each event once, an outbox relay
 * for what it publishes, the read API and the operational endpoints, and a graceful stop.
 */
export async function runEventService(definition: EventServiceDefinition, command = process.argv[2]): Promise<void> {
  const { service, config } = definition;
  const logger = createLogger(service);
  const database = createServiceDataSource({ url: config.databaseUrl, ...definition.database, applicationName: service });
  await database.initialize();
  if (command === 'migrate') return runMigrationCommand(database, logger);
  if (command !== undefined) throw new Error(`unknown command ${JSON.stringify(command)}: expected no command (serve) or "migrate"`);

  const metrics = new Registry();
  const kafka = createKafka({ clientId: service, brokers: config.kafkaBrokers, logger });
  const codec = new EventCodec(config.schemaRegistryUrl);
  const publisher = new EventPublisher(kafka, codec);
  const context: EventServiceContext = {
    service,
    database,
    logger,
    metrics,
    publish: (manager, pending) => appendEventsToOutbox(manager, codec, pending),
    applyEvent: (event, effect) =>
      applyOnce(database, { consumerGroup: config.consumerGroup, eventId: event.value.metadata.eventId, topic: event.topic, partition: event.partition, offset: event.offset }, async (manager) => {
        const pending = await effect(manager);
        if (pending) await appendEventsToOutbox(manager, codec, pending);
      }),
  };
  const handlerByType = new Map<string, AnyHandler>();
  for (const [name, handler] of Object.entries(definition.handlers)) {
    handlerByType.set(events[name as keyof Catalogue].type, handler as AnyHandler);
  }
  const handleEvent = async (event: ConsumedEvent<{ metadata: EventMetadata }>): Promise<unknown> => {
    const { eventId, eventType } = event.value.metadata;
    const handler = handlerByType.get(eventType);
    if (!handler) return 'skipped';
    const outcome = await handler(event.value, event, context);
    logger.info({ eventId, eventType, topic: event.topic, partition: event.partition, offset: event.offset, outcome }, 'event handled');
    return outcome;
  };
  const consumer = new ConsumerRunner<{ metadata: EventMetadata }>(kafka, codec, {
    groupId: config.consumerGroup,
    topics: definition.consumes,
    publisher,
    metrics: new ConsumerMetrics(metrics),
    logger,
    dependency: postgresOutagePolicy(database),
    handle: async (event) => {
      await handleEvent(event);
    },
  });
  const relayTopics = [...new Map(definition.publishes.map((event) => [event.topic.name, event.topic])).values()];
  const relay = new OutboxRelay({
    dataSource: database,
    publisher,
    topics: relayTopics,
    lockName: service,
    onError: (error) => logger.warn({ err: error.message }, 'outbox relay round failed; retrying'),
  });

  let consuming = false;
  let stoppedByOperator = false;
  const http = createServiceHttp({
    service,
    logger,
    metrics,
    readiness: [
      { name: 'postgres', check: () => checkDatabase(database) },
      {
        name: 'consumer',
        check: async () => {
          if (stoppedByOperator) throw new Error('consumer stopped by an operator (POST /admin/consumer/start resumes it)');
          if (!consuming) throw new Error('not consuming yet (joining the consumer group)');
        },
      },
      ...(definition.readiness ?? []),
    ],
  });
  definition.routes?.(http.app, context);
  http.app.use(
    createEventServiceAdminRouter({
      apiKeyHashes: config.adminApiKeyHashes,
      consuming: () => consuming,
      stopConsuming: async () => {
        stoppedByOperator = true;
        consuming = false;
        await consumer.stop();
        logger.warn({ group: config.consumerGroup }, 'consumer stopped by an operator');
      },
      startConsuming: async () => {
        if (consuming) return;
        await consumer.start();
        stoppedByOperator = false;
        consuming = true;
        logger.info({ group: config.consumerGroup }, 'consumer started by an operator');
      },
      process: async (record) => {
        const { value } = await codec.decode<{ metadata: EventMetadata }>(record.value);
        const outcome = await handleEvent({ value, topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, headers: record.headers, attempt: 1 });
        logger.warn({ eventId: value.metadata.eventId, topic: record.topic, partition: record.partition, offset: record.offset, outcome }, 'record processed on an operator\'s request');
        return { outcome, eventId: value.metadata.eventId, eventType: value.metadata.eventType };
      },
    }),
  );
  http.finish();

  const timers = (definition.jobs ?? []).map((job) =>
    setInterval(() => {
      job.run(context).catch((error: unknown) => logger.warn({ job: job.name, err: (error as Error).message }, 'periodic job failed; retrying next round'));
    }, job.everyMs),
  );
  await runService({
    service,
    port: config.port,
    app: http.app,
    logger,
    stop: [
      { name: 'jobs', run: async () => timers.forEach((timer) => clearInterval(timer)) },
      { name: 'consumer', run: () => consumer.stop() },
      ...(relayTopics.length > 0 ? [{ name: 'outbox relay', run: () => relay.stop() }] : []),
      { name: 'publisher', run: () => publisher.disconnect() },
      ...(definition.stop ?? []),
      { name: 'database', run: () => database.destroy() },
      ...(definition.telemetry ? [{ name: 'telemetry', run: () => definition.telemetry?.shutdown() ?? Promise.resolve() }] : []),
    ],
  });
  // Listening first: /healthz answers, and /readyz says why, while Kafka is reached and the group joined.
  // Kafka or the registry being down at start is waited out rather than crash-looped.
  await untilDone(
    async () => {
      await codec.register(definition.publishes);
      await publisher.connect();
      await consumer.start();
    },
    { onRetry: logStartupRetry(logger, 'cannot reach Kafka or the schema registry yet; retrying') },
  );
  if (relayTopics.length > 0) relay.start();
  consuming = !stoppedByOperator;
  logger.info({ group: config.consumerGroup, topics: definition.consumes.map((topic) => topic.name) }, 'consuming');
}
