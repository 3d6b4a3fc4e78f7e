import { Kafka, logLevel, LogEntry } from 'kafkajs';

export interface KafkaConnectionOptions {
  clientId: string;
  brokers: string[];
  /** Receives kafkajs' own log lines; defaults to warnings and errors on stderr as JSON. */
  log?: (entry: { level: 'error' | 'warn' | 'info' | 'debug'; message: string; fields: Record<string, unknown> }) => void;
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(options: KafkaConnectionOptions): Kafka {
  const log =
    options.log ??
    ((entry) => process.stderr.write(`${JSON.stringify({ level: entry.level, msg: entry.message, ...entry.fields })}\n`));
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 5 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: { message, ...fields } }: LogEntry) =>
        log({ level: levelNames[level] ?? 'info', message, fields: { namespace, ...fields } }),
  });
}
