import { Gauge, Registry } from 'prom-client';
import { LagSnapshot } from './lag-poller';

/**
 * The lag exporter's series, named and described as in the metric catalogue (libs/platform/telemetry,
 * decision 0022). A failed poll drops the lag and dead-letter series rather than leave the last
 * values, which would read as "still this far behind" while nobody knows; consign_kafka_up says
 * why they are gone and consign_lag_poll_timestamp_seconds since when.
 */
export class LagMetrics {
  private readonly lagRecords: Gauge<'group' | 'topic' | 'partition'>;
  private readonly lagSeconds: Gauge<'group' | 'topic' | 'partition'>;
  private readonly deadLetterRecords: Gauge<'group'>;
  private readonly kafkaUp: Gauge;
  private readonly polledAt: Gauge;

  constructor(registry: Registry) {
    const labelNames = ['group', 'topic', 'partition'] as const;
    this.lagRecords = new Gauge({
      name: 'consign_consumer_group_lag_records',
      help: 'Records a consumer group has not committed yet: end offset minus committed offset (from the earliest offset when the group has no commit)',
      labelNames,
      registers: [registry],
    });
    this.lagSeconds = new Gauge({
      name: 'consign_consumer_group_lag_seconds',
      help: 'Age of the oldest record a consumer group has not consumed (0 when caught up)',
      labelNames,
      registers: [registry],
    });
    this.deadLetterRecords = new Gauge({
      name: 'consign_dead_letter_records',
      help: "Records held in the group's dead-letter topic (deadletter.<group>.v1)",
      labelNames: ['group'],
      registers: [registry],
    });
    this.kafkaUp = new Gauge({
      name: 'consign_kafka_up',
      help: "1 if the lag exporter's last poll reached Kafka, else 0",
      registers: [registry],
    });
    this.polledAt = new Gauge({
      name: 'consign_lag_poll_timestamp_seconds',
      help: 'When the lag exporter last polled Kafka successfully (Unix time)',
      registers: [registry],
    });
  }

  /** Replaces every series with what the poll found: groups and partitions no longer there disappear. */
  show(snapshot: LagSnapshot): void {
    this.clear();
    for (const { group, topic, partition, records, seconds } of snapshot.partitions) {
      const labels = { group, topic, partition: String(partition) };
      this.lagRecords.set(labels, records);
      this.lagSeconds.set(labels, seconds);
    }
    for (const { group, records } of snapshot.deadLetters) this.deadLetterRecords.set({ group }, records);
    this.kafkaUp.set(1);
    this.polledAt.set(snapshot.polledAtMs / 1000);
  }

  pollFailed(): void {
    this.clear();
    this.kafkaUp.set(0);
  }

  private clear(): void {
    this.lagRecords.reset();
    this.lagSeconds.reset();
    this.deadLetterRecords.reset();
  }
}
