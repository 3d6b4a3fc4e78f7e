import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What a consumer reports on /metrics: processing time, retries, dead letters and paused
 * partitions. Lag is not here: the lag exporter reads it from Kafka, so it is still reported while
 * this consumer is down (decision 0022).
 */
export class ConsumerMetrics {
  readonly processingSeconds: Histogram<'group' | 'topic' | 'outcome'>;
  readonly retries: Counter<'group' | 'topic'>;
  readonly deadLetters: Counter<'group' | 'topic' | 'category'>;
  readonly pausedPartitions: Gauge<'group'>;
  readonly unitRecords: Histogram<'group' | 'topic'>;
  readonly unitSplits: Counter<'group' | 'topic'>;
  readonly offsetCommits: Counter<'group' | 'topic'>;

  constructor(registry: Registry) {
    this.processingSeconds = new Histogram({
      name: 'consign_consumer_processing_duration_seconds',
      help: 'Time to handle one record, by outcome (applied, dead_lettered, paused)',
      labelNames: ['group', 'topic', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'consign_consumer_retries_total',
      help: 'Handler attempts retried after a transient error',
      labelNames: ['group', 'topic'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'consign_consumer_dead_letters_total',
      help: 'Records sent to the dead-letter topic, by error category',
      labelNames: ['group', 'topic', 'category'],
      registers: [registry],
    });
    this.unitRecords = new Histogram({
      name: 'consign_consumer_unit_records',
      help: 'Records applied together in one unit of work',
      labelNames: ['group', 'topic'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [registry],
    });
    this.unitSplits = new Counter({
      name: 'consign_consumer_unit_splits_total',
      help: 'Units of work that failed and were split in halves to find the failing record',
      labelNames: ['group', 'topic'],
      registers: [registry],
    });
    this.offsetCommits = new Counter({
      name: 'consign_consumer_offset_commits_total',
      help: 'Offsets committed to Kafka, each after one or more units of work',
      labelNames: ['group', 'topic'],
      registers: [registry],
    });
    this.pausedPartitions = new Gauge({
      name: 'consign_consumer_paused_partitions',
      help: 'Partitions paused while a dependency is down',
      labelNames: ['group'],
      registers: [registry],
    });
  }
}
