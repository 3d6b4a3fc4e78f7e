import { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { topics as catalogue } from '@consign/contracts';
import { LevelLogger } from '@consign/kafka';
import { LagMetrics } from './lag-metrics';
import { ConsumerLagPoller } from './lag-poller';

export interface LagExporterOptions {
  /** A client on the platform's Kafka connection (TLS and SASL included); it needs describe rights only. */
  kafka: Kafka;
  registry: Registry;
  logger: Pick<LevelLogger, 'info' | 'warn'>;
  intervalMs: number;
  /** The platform's consumer groups, watched even while they have no member and no commit. */
  groups: readonly string[];
  /** The topics whose consumer groups are watched: the catalogue's unless given. */
  topics?: readonly string[];
}

export interface LagExporter {
  /** Resolves once the poll in progress, if any, has ended and the client is disconnected. */
  stop(): Promise<void>;
}

/**
 * Polls consumer lag from Kafka every `intervalMs` (one poll at a time) into `registry`. It never
 * throws: a failed poll sets consign_kafka_up to 0 and is logged once, as is the recovery.
 */
export function startLagExporter(options: LagExporterOptions): LagExporter {
  const metrics = new LagMetrics(options.registry);
  const poller = new ConsumerLagPoller({
    groups: options.groups,
    topics: options.topics ?? Object.values(catalogue).map((topic) => topic.name),
    recheckMs: 20 * options.intervalMs,
  });
  let admin: Admin | undefined;
  let reachable: boolean | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const round = async () => {
    try {
      if (admin === undefined) {
        admin = options.kafka.admin();
        await admin.connect();
      }
      const snapshot = await poller.poll(admin);
      metrics.show(snapshot);
      if (reachable !== true)
        options.logger.info(
          { groups: new Set(snapshot.partitions.map((entry) => entry.group)).size, partitions: snapshot.partitions.length },
          'reading consumer lag from Kafka',
        );
      reachable = true;
    } catch (error) {
      metrics.pollFailed();
      if (stopped) return;
      if (reachable !== false)
        options.logger.warn(
          { err: (error as Error).message },
          'cannot read consumer lag from Kafka: consign_kafka_up is 0 and the lag series are dropped until a poll succeeds',
        );
      reachable = false;
      // The next round connects afresh rather than reuse a client whose connection failed.
      const failed = admin;
      admin = undefined;
      await failed?.disconnect().catch(() => undefined);
    }
  };
  const loop = async (): Promise<void> => {
    await round();
    if (!stopped) timer = setTimeout(() => (current = loop()), options.intervalMs);
  };
  let current = loop();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // Disconnecting first ends a poll waiting on a slow broker sooner; again after it, in case it had just connected.
      await admin?.disconnect();
      await current;
      await admin?.disconnect();
    },
  };
}
