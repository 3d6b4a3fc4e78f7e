import { Router } from 'express';
import { Registry } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import {
  databaseTls,
  DatabaseTlsConfig,
  kafkaConnection,
  KafkaConnectionConfig,
  registryConnection,
  RegistryConnectionConfig,
} from '@consign/config';
import {
  AnyEventDefinition,
  deadLetterTopic,
  EventDefinition,
  EventMetadata,
  events,
  PlatformEvent,
  retryTopic,
  TopicDefinition,
} from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import {
  applyOnce,
  applyUnitOnce,
  checkDatabase,
  createServiceDataSource,
  postgresOutagePolicy,
  runMigrationCommand,
  ServiceDatabaseOptions,
} from '@consign/database';
import {
  ConsumedEvent,
  ConsumerMetrics,
  ConsumerRunner,
  createKafka,
  deadLetterOriginal,
  EventCodec,
  EventPublisher,
  publishAdminCalls,
  readOneRecord,
} from '@consign/kafka';
import { appendEventsToOutbox, createOutboxRelay, registerOutboxMetrics } from '@consign/outbox';
import { createEventServiceAdminRouter } from './admin-router';
import {
  ApiKeyring,
  auditAdminCalls,
  createLogger,
  createServiceHttp,
  Logger,
  logStartupRetry,
  ReadinessCheck,
  runService,
  untilDone,
} from '@consign/service-runtime';
import { Telemetry } from '@consign/telemetry';

/** Settings every event-consuming service has; each app parses its own, once, at start-up. */
export interface EventServiceConfig extends DatabaseTlsConfig, KafkaConnectionConfig, RegistryConnectionConfig {
  port: number;
  host: string;
  databaseUrl: string;
  consumerGroup: string;
  /** Whether start-up creates the topics and registers the schemas, or only checks they exist (startupProvisioningSettings). */
  createTopics: boolean;
  registerSchemas: boolean;
  /** Who may read (the read API), administer (/admin) and scrape (/metrics). */
  apiKeys: ApiKeyring;
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
  applyEvent(
    event: ConsumedEvent<{ metadata: EventMetadata }>,
    effect: (manager: EntityManager) => Promise<readonly PlatformEvent[] | void>,
  ): Promise<'applied' | 'duplicate'>;
  /**
   * applyEvent for a run of events applied together (runHandlers): `effect` gets those not applied
   * before, in order. In a unit of work it runs once for all of them; outside one, once for each.
   */
  applyEvents<TEvent extends ConsumedEvent<{ metadata: EventMetadata }>>(
    events: readonly TEvent[],
    effect: (manager: EntityManager, fresh: readonly TEvent[]) => Promise<readonly PlatformEvent[] | void>,
  ): Promise<void>;
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

/**
 * What the service does with a run of consecutive events of one type within a unit of work, by
 * catalogue name: the same as its handler applying them one after another, in fewer statements
 * (decision 0025). The type still needs its handler, for an event applied alone.
 */
export type EventRunHandlers = {
  [K in keyof Catalogue]?: (events: readonly ConsumedEvent<ValueOf<K>>[], context: EventServiceContext) => Promise<unknown>;
};

type AnyRunHandler = (events: readonly ConsumedEvent<unknown>[], context: EventServiceContext) => Promise<unknown>;

export interface EventServiceDefinition {
  service: string;
  config: EventServiceConfig;
  database: Pick<ServiceDatabaseOptions, 'migrations'>;
  /** One-off commands besides `migrate`, by name (`main.js <name>`): run on the database, then exit. */
  commands?: Record<string, (database: DataSource, logger: Logger) => Promise<unknown>>;
  consumes: TopicDefinition[];
  /** Among `consumes`, what the others refer to: read to their end at start before the others (serviceReferenceTopics). */
  readFirst?: TopicDefinition[];
  /** Events this service writes to its outbox; their schemas are registered at start and their topics relayed. */
  publishes: AnyEventDefinition[];
  handlers: EventHandlers;
  /** Set-based handlers of runs of one type; in a `concurrent` unit, the records between runs are applied by key. */
  runHandlers?: EventRunHandlers;
  /**
   * How a run of records of one partition is applied (decision 0025). `transaction` (the default):
   * in one database transaction, so every handler must do its work through applyEvent.
   * `concurrent`: each record in its own transactions, records of different keys up to `keys` at a
   * time; for handlers with effects outside the database (an email), which must be safe to repeat.
   */
  unitOfWork?: { kind: 'transaction'; maxRecords?: number } | { kind: 'concurrent'; keys: number; maxRecords?: number };
  /** The service's read API, served behind the `read` scope. */
  routes?(readApi: Router, context: EventServiceContext): void;
  /** Periodic work (e.g. moving held records to reconciliation); a failed round is logged and retried next time. */
  jobs?: Array<{ name: string; everyMs: number; run(context: EventServiceContext): Promise<void> }>;
  readiness?: ReadinessCheck[];
  /** Run after the consumer and the outbox relay have stopped. */
  stop?: Array<{ name: string; run: () => Promise<void> }>;
  telemetry?: Telemetry;
}

/**
 * Most records in one transactional unit unless the service says otherwise. A unit's own
 * statements and COMMIT are paid once however many records it holds; a rebuild of inventory ran
 * about a quarter faster with units of 1,000 than of 100 (decision 0025).
 */
const transactionUnitRecords = 1000;

/**
 * The composition every consuming service shares: its own database (`main.js migrate` applies the
 * migrations and exits, as the service's own `commands` do their work), a consumer group whose handler applies each event once, an outbox relay
 * for what it publishes, the read API and the operational endpoints, and a graceful stop.
 */
export async function runEventService(definition: EventServiceDefinition, command = process.argv[2]): Promise<void> {
  const { service, config } = definition;
  const logger = createLogger(service);
  const database = createServiceDataSource({
    url: config.databaseUrl,
    tls: databaseTls(config),
    ...definition.database,
    applicationName: service,
  });
  await database.initialize();
  if (command === 'migrate') return runMigrationCommand(database, logger);
  if (command !== undefined) {
    const run = definition.commands?.[command];
    const known = ['migrate', ...Object.keys(definition.commands ?? {})].map((name) => JSON.stringify(name)).join(', ');
    if (!run) throw new Error(`unknown command ${JSON.stringify(command)}: expected no command (serve) or one of ${known}`);
    await run(database, logger);
    await database.destroy();
    return;
  }

  const metrics = new Registry();
  const kafka = createKafka({ clientId: service, connection: kafkaConnection(config), logger });
  const codec = new EventCodec(registryConnection(config));
  const publisher = new EventPublisher(kafka, codec);
  // Reads the one record an operator asks to process; connects on first use.
  const kafkaAdmin = kafka.admin();
  const context: EventServiceContext = {
    service,
    database,
    logger,
    metrics,
    publish: (manager, pending) => appendEventsToOutbox(manager, codec, pending),
    applyEvent: (event, effect) =>
      applyOnce(
        database,
        {
          consumerGroup: config.consumerGroup,
          eventId: event.value.metadata.eventId,
          topic: event.topic,
          partition: event.partition,
          offset: event.offset,
        },
        async (manager) => {
          const pending = await effect(manager);
          if (pending) await appendEventsToOutbox(manager, codec, pending);
        },
      ),
    applyEvents: async (events, effect) => {
      for (const event of events) await context.applyEvent(event, (manager) => effect(manager, [event]));
    },
  };
  const handlerByType = new Map<string, AnyHandler>();
  for (const [name, handler] of Object.entries(definition.handlers)) {
    handlerByType.set(events[name as keyof Catalogue].type, handler as AnyHandler);
  }
  const runHandlerByType = new Map<string, AnyRunHandler>();
  for (const [name, handler] of Object.entries(definition.runHandlers ?? {})) {
    const type = events[name as keyof Catalogue].type;
    if (!handlerByType.has(type)) throw new Error(`${service} has a run handler for ${type} but no handler for one such event`);
    runHandlerByType.set(type, handler as AnyRunHandler);
  }
  const handleEvent = async (
    event: ConsumedEvent<{ metadata: EventMetadata }>,
    within: EventServiceContext = context,
  ): Promise<unknown> => {
    const { eventId, eventType } = event.value.metadata;
    const handler = handlerByType.get(eventType);
    if (!handler) return 'skipped';
    const outcome = await handler(event.value, event, within);
    logger.info({ eventId, eventType, topic: event.topic, partition: event.partition, offset: event.offset, outcome }, 'event handled');
    return outcome;
  };
  const relay = createOutboxRelay({ dataSource: database, publisher, publishes: definition.publishes, lockName: service, logger });
  const unitOfWork = definition.unitOfWork ?? { kind: 'transaction' };
  const runs = {
    runOf: (event: ConsumedEvent<{ metadata: EventMetadata }>) =>
      runHandlerByType.has(event.value.metadata.eventType) ? event.value.metadata.eventType : undefined,
    handle: async (
      run: readonly ConsumedEvent<{ metadata: EventMetadata }>[],
      within: EventServiceContext,
      inSpan: (event: ConsumedEvent<{ metadata: EventMetadata }>, work: () => void) => void,
    ) => {
      const fresh = new Set<string>();
      const result = await runHandlerByType.get(run[0].value.metadata.eventType)?.(run, {
        ...within,
        // What the run's events came to, for their log lines.
        applyEvents: (events, effect) =>
          within.applyEvents(events, (manager, applied) => {
            for (const event of applied) fresh.add(event.value.metadata.eventId);
            return effect(manager, applied);
          }),
      });
      // A handler that does not go through applyEvents (emails) may say what each event came to instead.
      const outcomes = Array.isArray(result) && result.length === run.length ? (result as unknown[]) : undefined;
      run.forEach((event, index) => {
        const { eventId, eventType } = event.value.metadata;
        const outcome = outcomes?.[index] ?? (fresh.has(eventId) ? 'applied' : 'duplicate');
        inSpan(event, () =>
          logger.info(
            { eventId, eventType, topic: event.topic, partition: event.partition, offset: event.offset, outcome, run: run.length },
            'event handled',
          ),
        );
      });
    },
  };
  const consumer = new ConsumerRunner<{ metadata: EventMetadata }, EventServiceContext>(kafka, codec, {
    groupId: config.consumerGroup,
    topics: definition.consumes,
    readFirst: definition.readFirst,
    publisher,
    metrics: new ConsumerMetrics(metrics),
    logger,
    dependency: postgresOutagePolicy(database),
    createTopics: config.createTopics,
    handle: async (event, within) => {
      await handleEvent(event, within);
    },
    // A unit's transaction holds its row locks until its COMMIT: units of two partitions updating
    // the same rows in another order would deadlock (measured: about one per second at 200 orders/s),
    // so one instance applies one partition's unit at a time.
    concurrency: unitOfWork.kind === 'transaction' ? 1 : 3,
    batch:
      unitOfWork.kind === 'concurrent'
        ? { maxRecords: unitOfWork.maxRecords, keyConcurrency: unitOfWork.keys, runs, unitOfWork: (_events, applyAll) => applyAll(context) }
        : {
            maxRecords: unitOfWork.maxRecords ?? transactionUnitRecords,
            runs,
            unitOfWork: (batch, applyAll) => applyInOneTransaction(database, codec, config.consumerGroup, context, batch, applyAll),
          },
  });
  registerOutboxMetrics(metrics, database);

  let consuming = false;
  let stoppedByOperator = false;
  // Why start-up has not finished yet, for /readyz: a missing topic or schema names the deploy step.
  let startupProblem = 'joining the consumer group';
  const http = createServiceHttp({
    service,
    logger,
    metrics,
    apiKeys: config.apiKeys,
    readiness: [
      { name: 'postgres', check: () => checkDatabase(database) },
      {
        name: 'consumer',
        check: async () => {
          if (stoppedByOperator) throw new Error('consumer stopped by an operator (POST /admin/consumer/start resumes it)');
          if (!consuming) throw new Error(`not consuming yet (${startupProblem})`);
        },
      },
      ...(definition.readiness ?? []),
    ],
  });
  // Before the key check, so refused calls are recorded too.
  http.app.use('/admin', auditAdminCalls(publishAdminCalls(publisher, service), logger));
  http.app.use(
    createEventServiceAdminRouter({
      guard: http.guard,
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
      process: async (position) => {
        const consumed = new Set([...definition.consumes, retryTopic(config.consumerGroup)].map((topic) => topic.name));
        const ownDeadLetters = deadLetterTopic(config.consumerGroup).name;
        if (!consumed.has(position.topic) && position.topic !== ownDeadLetters) {
          throw new PlatformError(`${service} processes records of ${[...consumed, ownDeadLetters].join(', ')}, not of ${position.topic}`, {
            code: 'admin.topic_not_consumed',
            category: 'invalid',
            httpStatus: 400,
            details: { topic: position.topic },
          });
        }
        await kafkaAdmin.connect();
        const record = await readOneRecord(kafka, kafkaAdmin, position.topic, position.partition, position.offset);
        if (record.value === null)
          throw new PlatformError(`${position.topic}:${position.partition}:${position.offset} has no value`, {
            code: 'admin.invalid_record',
            category: 'invalid',
            httpStatus: 400,
          });
        // A dead letter is processed as the record it was, at its original position, so the
        // service's idempotency (processed events per position and event id) recognises it.
        const original = position.topic === ownDeadLetters ? deadLetterOriginal(record) : { ...position, headers: record.headers };
        const { value } = await codec.decode<{ metadata: EventMetadata }>(record.value);
        const outcome = await handleEvent({
          value,
          topic: original.topic,
          partition: original.partition,
          offset: original.offset,
          key: record.key?.toString() ?? null,
          headers: original.headers,
          attempt: 1,
        });
        const processed = { topic: original.topic, partition: original.partition, offset: original.offset };
        logger.warn(
          { eventId: value.metadata.eventId, readFrom: position, processed, outcome },
          "record processed on an operator's request",
        );
        return { outcome, eventId: value.metadata.eventId, eventType: value.metadata.eventType, processed };
      },
    }),
  );
  const readApi = Router();
  readApi.use(http.guard('read'));
  definition.routes?.(readApi, context);
  http.app.use(readApi);
  http.finish();

  const timers = (definition.jobs ?? []).map((job) =>
    setInterval(() => {
      job
        .run(context)
        .catch((error: unknown) =>
          logger.warn({ job: job.name, err: (error as Error).message }, 'periodic job failed; retrying next round'),
        );
    }, job.everyMs),
  );
  await runService({
    service,
    listeners: [{ name: 'internal', app: http.app, port: config.port, host: config.host }],
    logger,
    stop: [
      { name: 'jobs', run: async () => timers.forEach((timer) => clearInterval(timer)) },
      { name: 'consumer', run: () => consumer.stop() },
      ...(relay.relaysAnything ? [{ name: 'outbox relay', run: () => relay.stop() }] : []),
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'kafka-admin', run: () => kafkaAdmin.disconnect() },
      ...(definition.stop ?? []),
      { name: 'database', run: () => database.destroy() },
      ...(definition.telemetry ? [{ name: 'telemetry', run: () => definition.telemetry?.shutdown() ?? Promise.resolve() }] : []),
    ],
  });
  const logRetry = logStartupRetry(logger, 'cannot start consuming yet (Kafka, the registry, or what provisioning makes); retrying');
  // Listening first: /healthz answers, and /readyz says why, while Kafka is reached and the group joined.
  // Kafka or the registry being down at start is waited out rather than crash-looped.
  await untilDone(
    async () => {
      // The audit record of an admin call is published like any event.
      await codec.prepare([...definition.publishes, events.operatorActionRecorded], { register: config.registerSchemas });
      await publisher.connect();
      await consumer.start();
    },
    {
      onRetry: (attempt, delayMs, error) => {
        startupProblem = error.message;
        logRetry(attempt, delayMs, error);
      },
    },
  );
  if (relay.relaysAnything) relay.start();
  consuming = !stoppedByOperator;
  logger.info({ group: config.consumerGroup, topics: definition.consumes.map((topic) => topic.name) }, 'consuming');
}

/**
 * Applies a run of consumed events in one transaction (applyUnitOnce): a handler joins it through
 * the context's applyEvent, and the events their effects cause go to the outbox in one statement
 * before the COMMIT, which wakes the outbox relay.
 */
function applyInOneTransaction(
  database: DataSource,
  codec: EventCodec,
  consumerGroup: string,
  context: EventServiceContext,
  batch: readonly ConsumedEvent<{ metadata: EventMetadata }>[],
  applyAll: (within: EventServiceContext) => Promise<void>,
): Promise<void> {
  const eventIds = batch.map((event) => event.value.metadata.eventId);
  const positionOf = (event: ConsumedEvent<{ metadata: EventMetadata }>) => ({
    consumerGroup,
    eventId: event.value.metadata.eventId,
    topic: event.topic,
    partition: event.partition,
    offset: event.offset,
  });
  return applyUnitOnce(database, consumerGroup, eventIds, async (apply, manager, applyRun) => {
    const pending: PlatformEvent[] = [];
    await applyAll({
      ...context,
      applyEvent: (event, effect) =>
        apply(positionOf(event), async (joined) => {
          const caused = await effect(joined);
          if (caused) pending.push(...caused);
        }),
      applyEvents: async (events, effect) => {
        await applyRun(events, positionOf, async (joined, fresh) => {
          const caused = await effect(joined, fresh);
          if (caused) pending.push(...caused);
        });
      },
    });
    await appendEventsToOutbox(manager, codec, pending);
  });
}
