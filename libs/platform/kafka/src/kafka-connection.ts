import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { KafkaConnection, tlsConnectionOptions } from '@consign/config';

/** The levels of the apps' logger (pino's Logger has them) that kafkajs' own lines go to. */
export interface LevelLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export type KafkaLogLevel = keyof LevelLogger;

export interface KafkaConnectionOptions {
  clientId: string;
  /** The brokers, and how to reach and sign in to them (kafkaConnectionSettings). */
  connection: KafkaConnection;
  /**
   * Receives kafkajs' lines in the app's own JSON shape. Without one they are dropped: the CLI and
   * the benches report the failure a command ends with instead of every retry on the way.
   */
  logger?: LevelLogger;
}

const levelNames: Record<number, KafkaLogLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

const idempotentRetriesWarning = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * The level a kafkajs line is worth to an operator. Lines that every healthy start or rebalance
 * produces are lowered, so that an ERROR in the logs always means something is wrong:
 * - kafkajs logs each error response a broker sends at ERROR (namespace Connection, "Response
 *   …"), also the retriable ones it then retries itself: coordinator loading, topic already
 *   exists, partition leadership moving. What retrying cannot cure reaches our code as a thrown
 *   error, and the app logs it with its own context.
 * - The idempotent-producer warning: retries are bounded on purpose (the gateway spools, the
 *   relays and consumers retry themselves), and exactly-once rests on event ids applied once by
 *   every consumer, not on the producer (decision 0004).
 * - A rebalance is the group protocol at work, not a failure.
 * - A consumer that crashes because the group coordinator is still loading or not elected yet,
 *   as on a fresh cluster's first start, is restarted by kafkajs and joins a moment later. Other
 *   crashes stay errors; the "restarting" line that follows every restartable crash is the
 *   recovery, not a second failure.
 */
export function kafkaLogLevel(namespace: string, level: KafkaLogLevel, message: string): KafkaLogLevel {
  if (namespace === 'Connection' && message.startsWith('Response ')) return 'debug';
  if (message === idempotentRetriesWarning) return 'debug';
  if (message.startsWith('The group is rebalancing')) return 'info';
  if (namespace === 'Consumer' && message.startsWith('Crash: ') && coordinatorStarting.test(message)) return 'info';
  if (namespace === 'Consumer' && message.startsWith('Restarting the consumer')) return 'info';
  return level;
}

const coordinatorStarting = /coordinator is loading|coordinator is not available/i;

/** kafkajs' `ssl` and `sasl` options for a connection: TLS as for PostgreSQL, SASL when configured. */
export function kafkaSecurity(connection: KafkaConnection): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl = tlsConnectionOptions(connection.tls);
  const { sasl } = connection;
  return {
    ssl: ssl === false ? false : ssl,
    ...(sasl === null ? {} : { sasl: saslOptions(sasl) }),
  };
}

// kafkajs types each mechanism's options apart.
function saslOptions({ mechanism, username, password }: NonNullable<KafkaConnection['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

/** A connection to brokers on this host without TLS or SASL: the local infrastructure, for tests and tools. */
export function plainKafkaConnection(brokers: string[]): KafkaConnection {
  return { brokers, tls: { mode: 'disable' }, sasl: null };
}

export function createKafka(options: KafkaConnectionOptions): Kafka {
  const logger = options.logger;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.connection.brokers,
    ...kafkaSecurity(options.connection),
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 5 },
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        if (!logger) return;
        const fields: Record<string, unknown> = { component: 'kafkajs', namespace, ...log };
        // The app's logger stamps the time and names the service; the message is the line's own.
        delete fields.message;
        delete fields.timestamp;
        delete fields.logger;
        logger[kafkaLogLevel(namespace, levelNames[level] ?? 'info', log.message)](fields, log.message);
      },
  });
}
