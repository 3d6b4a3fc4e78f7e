import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { TenantConfigured, TopicDefinition, topics } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { KafkaConnectionConfig, kafkaConnection, registryConnection, RegistryConnectionConfig } from '@consign/config';
import { createKafka, ensureTopics, EventCodec, readerGroupPrefix } from '@consign/kafka';
import { linearDelay, Logger, ReadinessCheck, retry } from '@consign/service-runtime';
import { Tenant, TenantDirectory } from '../tenant';
import { tenantOfRecord } from '../tenant-record';
import { TenantSecretsKeys } from '../tenant-secrets';

export interface TenantDirectoryOptions {
  /** The app: part of its reader group's name, for whoever lists groups. */
  service: string;
  kafka: Kafka;
  codec: EventCodec;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** TENANTS: what the app knows before, and besides, the store. */
  seed: readonly Tenant[];
  /** TENANT_SECRETS_KEYS, in the apps that verify signatures (the gateway); the others never see a secret. */
  secretsKeys?: TenantSecretsKeys;
  /** The catalogue's `tenants.v1` unless told (tests use their own). */
  topic?: TopicDefinition;
  /**
   * Creates the store's topic when missing, as the app creates the topics it consumes (KAFKA_CREATE_TOPICS,
   * development): an app started before any other must not wait for a topic nobody else creates.
   */
  createTopic?: boolean;
  /**
   * False for a one-off command (`main.js migrate`): the seed alone, nothing read, so that the
   * process exits when the command is done. True unless told.
   */
  follow?: boolean;
}

export interface FollowedTenantDirectory {
  /** Answers from memory, as a static directory does; changes to the store reach it within a fetch. */
  directory: TenantDirectory;
  /** Fails until the store has been read up to where it ended when the app started. */
  readiness: ReadinessCheck;
  /** Settles once the store has been read that far. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps a TenantDirectory in step with the tenant store: reads the whole compacted topic from its
 * start, then follows it. Its consumer group is its own, of this process, and commits nothing: every
 * start reads the store again, which is small (one record per store). A Kafka outage after the
 * catch-up leaves the directory as it was; kafkajs reconnects, and reads the store again from its start.
 */
export function startTenantDirectory(options: TenantDirectoryOptions): FollowedTenantDirectory {
  const topic = options.topic ?? topics.tenants;
  const directory = new TenantDirectory(options.seed);
  if (options.follow === false)
    return {
      directory,
      caughtUp: Promise.resolve(),
      readiness: { name: 'tenant-store', check: async () => undefined },
      stop: async () => undefined,
    };
  const groupId = `${readerGroupPrefix}tenants-${options.service}-${randomUUID()}`;
  let consumer: Consumer | undefined;
  let stopped = false;
  let caughtUpAt: Date | undefined;
  let lastProblem = 'reading it';
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = resolve;
  });

  const apply = async (key: Buffer | null, value: Buffer | null, offset: string): Promise<void> => {
    if (!key) return options.logger.error({ topic: topic.name, offset }, 'tenant store record without a key (a tenant id): skipped');
    const tenantId = key.toString('utf8');
    if (value === null) {
      directory.applyStored(tenantId, undefined);
      if (caughtUpAt) options.logger.info({ tenantId, offset }, 'tenant removed from the tenant store');
      return;
    }
    let record: TenantConfigured;
    try {
      record = (await options.codec.decode<TenantConfigured>(value)).value;
    } catch (error) {
      // The registry down: thrown, so that kafkajs fetches the batch again. Anything else can never be read.
      if (error instanceof PlatformError && error.category === 'dependency') throw error;
      options.logger.error(
        { tenantId, offset, err: (error as Error).message },
        'tenant store record not readable: skipped, the tenant keeps its previous settings',
      );
      return;
    }
    try {
      directory.applyStored(tenantId, tenantOfRecord(record, options.secretsKeys));
    } catch (error) {
      // Keys rotated out too early: keep the tenant known but with no secret, so its webhooks are refused, not accepted on old secrets.
      options.logger.error(
        { tenantId, offset, code: (error as PlatformError).code, err: (error as Error).message },
        'tenant secrets not readable: its webhooks are refused until TENANT_SECRETS_KEYS lists the key',
      );
      directory.applyStored(tenantId, tenantOfRecord(record, undefined));
      return;
    }
    if (caughtUpAt) options.logger.info({ tenantId, offset }, 'tenant settings changed in the tenant store');
  };

  const follow = async (admin: Admin): Promise<void> => {
    if (options.createTopic) await ensureTopics(options.kafka, [topic], { create: true });
    // Where the store ends now: caught up once every partition is read that far.
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic.name)).map(({ partition, low, high }) => [partition, { low: BigInt(low), high: BigInt(high) }]),
    );
    const behind = new Set([...ends].filter(([, end]) => end.high > end.low).map(([partition]) => partition));
    const checkCaughtUp = () => {
      if (behind.size > 0 || caughtUpAt) return;
      caughtUpAt = new Date();
      options.logger.info({ topic: topic.name, tenants: directory.tenants.length }, 'tenant store read: following its changes');
      markCaughtUp();
    };
    consumer = options.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic.name], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          await apply(message.key ?? null, message.value ?? null, message.offset);
          resolveOffset(message.offset);
        }
        await heartbeat();
        // Compaction leaves gaps: the batch's last offset, not its last message, says how far the log was read.
        const end = ends.get(batch.partition);
        if (end && BigInt(batch.lastOffset()) + 1n >= end.high) behind.delete(batch.partition);
        checkCaughtUp();
      },
    });
    checkCaughtUp();
  };

  const running = (async () => {
    const admin = options.kafka.admin();
    const followed = await retry(
      async () => {
        try {
          await admin.connect();
          await follow(admin);
          await admin.disconnect();
          return true;
        } catch (error) {
          lastProblem = (error as Error).message;
          await consumer?.disconnect().catch(() => undefined);
          consumer = undefined;
          throw error;
        }
      },
      {
        delayMs: linearDelay(1000, 30_000),
        onRetry: (attempt) =>
          options.logger[attempt === 1 ? 'info' : 'warn'](
            { attempt, topic: topic.name, err: lastProblem },
            'cannot read the tenant store yet; retrying',
          ),
        stopped: () => stopped,
        // A stopping process does not wait for the next attempt.
        unref: true,
      },
    );
    if (!followed) await admin.disconnect().catch(() => undefined);
  })();

  return {
    directory,
    caughtUp,
    readiness: {
      name: 'tenant-store',
      check: async () => {
        if (!caughtUpAt) throw new Error(`the tenant store (${topic.name}) is not read to its end yet: ${lastProblem}`);
      },
    },
    stop: async () => {
      stopped = true;
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await consumer?.disconnect().catch(() => undefined);
      await forgetGroup(options.kafka, groupId);
    },
  };
}

/** The group is this process's alone: gone with it. Best effort: an empty group without offsets also expires. */
async function forgetGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // expires by itself
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The same event handlers, each first waiting until the tenant store is read: an event of a store
 * added at run time must not meet a directory that does not know the store yet (tenant.unknown
 * would dead-letter it). Once read, the wait is a settled promise.
 */
export function afterTenantStoreRead<THandlers extends object>(
  handlers: THandlers,
  followed: Pick<FollowedTenantDirectory, 'caughtUp'>,
): THandlers {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      async (...args: unknown[]) => (await followed.caughtUp, (handler as (...handlerArgs: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as THandlers;
}

/**
 * The tenant directory of a service that never sees the stores' secrets: TENANTS and the tenant
 * store, on its own Kafka client, followed while the service serves. A one-off command
 * (`main.js migrate` and the like, `command` set) reads no store, and so exits when done.
 */
export function followTenantStore(
  service: string,
  config: KafkaConnectionConfig & RegistryConnectionConfig & { tenants: TenantDirectory; createTopics: boolean },
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>,
  command: string | undefined,
): FollowedTenantDirectory {
  return startTenantDirectory({
    service,
    kafka: createKafka({ clientId: `${service}-tenants`, connection: kafkaConnection(config), logger }),
    codec: new EventCodec(registryConnection(config)),
    logger,
    seed: config.tenants.tenants,
    follow: command === undefined,
    createTopic: config.createTopics,
  });
}
