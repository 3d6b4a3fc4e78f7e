/**
 * Every metric the platform exports, in one place: the alert rules (monitoring/) may only use these
 * names, and docs/metrics.md is generated from this list. Prometheus' `job` label says which app
 * a series comes from, so no metric carries a service label; every label here has a bounded set of
 * values.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export type MetricExporter =
  'gateway' | 'inventory-service' | 'earnings-service' | 'consignor-service' | 'notification-service' | 'reconciler';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  labels: readonly string[];
  help: string;
  exportedBy: readonly MetricExporter[];
}

const everyApp: readonly MetricExporter[] = [
  'gateway',
  'inventory-service',
  'earnings-service',
  'consignor-service',
  'notification-service',
  'reconciler',
];
/** The apps that publish through an outbox (the gateway spools instead). */
const outboxApps: readonly MetricExporter[] = [
  'inventory-service',
  'earnings-service',
  'consignor-service',
  'notification-service',
  'reconciler',
];
/** The apps that consume Kafka: the four services, and the reconciler's audit-log consumer. */
const consumerApps: readonly MetricExporter[] = [
  'inventory-service',
  'earnings-service',
  'consignor-service',
  'notification-service',
  'reconciler',
];

export const metricCatalogue: readonly MetricDefinition[] = [
  {
    name: 'consign_build_info',
    type: 'gauge',
    labels: ['version', 'revision', 'node_version'],
    help: 'Always 1: the build this process runs, in its labels',
    exportedBy: everyApp,
  },
  {
    name: 'consign_http_requests_total',
    type: 'counter',
    labels: ['listener', 'method', 'route', 'status'],
    help: 'HTTP requests answered, by listener (public or internal), method, route pattern ("unmatched" when none matched) and status',
    exportedBy: everyApp,
  },
  {
    name: 'consign_http_request_duration_seconds',
    type: 'histogram',
    labels: ['listener', 'method', 'route', 'status'],
    help: 'Time from request to answer, by listener, method, route pattern and status',
    exportedBy: everyApp,
  },
  {
    name: 'consign_ready',
    type: 'gauge',
    labels: ['check'],
    help: 'Whether each readiness check passes (1) or not (0), as /readyz reports it; evaluated on scrape, cached briefly',
    exportedBy: everyApp,
  },

  {
    name: 'consign_webhook_deliveries_total',
    type: 'counter',
    labels: ['source', 'topic', 'outcome'],
    help: 'Webhook deliveries answered, by source, topic ("none" when rejected before a topic is known) and outcome (accepted, duplicate, rejected, spooled)',
    exportedBy: ['gateway'],
  },
  {
    name: 'consign_webhook_rejections_total',
    type: 'counter',
    labels: ['source', 'reason'],
    help: 'Webhook deliveries refused, by source and reason (the problem code answered)',
    exportedBy: ['gateway'],
  },
  {
    name: 'consign_webhook_ack_duration_seconds',
    type: 'histogram',
    labels: ['source', 'outcome'],
    help: "Time from a delivery's arrival to its answer, by source and outcome",
    exportedBy: ['gateway'],
  },
  {
    name: 'consign_delivery_history_unrecorded_total',
    type: 'counter',
    labels: [],
    help: 'Answered webhook requests missing from the delivery history (its database refused them, or too many waited)',
    exportedBy: ['gateway'],
  },
  {
    name: 'consign_webhook_requests_in_flight',
    type: 'gauge',
    labels: [],
    help: 'Webhook requests being handled now',
    exportedBy: ['gateway'],
  },
  {
    name: 'consign_spool_deliveries',
    type: 'gauge',
    labels: [],
    help: 'Deliveries in the spool, waiting for Kafka',
    exportedBy: ['gateway'],
  },
  {
    name: 'consign_spool_oldest_age_seconds',
    type: 'gauge',
    labels: [],
    help: 'Age of the oldest delivery in the spool (0 when empty)',
    exportedBy: ['gateway'],
  },

  { name: 'consign_outbox_rows', type: 'gauge', labels: [], help: 'Outbox rows not yet published to Kafka', exportedBy: outboxApps },
  {
    name: 'consign_outbox_oldest_age_seconds',
    type: 'gauge',
    labels: [],
    help: 'Age of the oldest unpublished outbox row (0 when empty)',
    exportedBy: outboxApps,
  },

  {
    name: 'consign_consumer_processing_duration_seconds',
    type: 'histogram',
    labels: ['group', 'topic', 'outcome'],
    help: 'Time to handle one record, by outcome (applied, dead_lettered, paused)',
    exportedBy: consumerApps,
  },
  {
    name: 'consign_consumer_retries_total',
    type: 'counter',
    labels: ['group', 'topic'],
    help: 'Handler attempts retried after a transient error',
    exportedBy: consumerApps,
  },
  {
    name: 'consign_consumer_dead_letters_total',
    type: 'counter',
    labels: ['group', 'topic', 'category'],
    help: 'Records sent to the dead-letter topic, by error category',
    exportedBy: consumerApps,
  },
  {
    name: 'consign_consumer_unit_records',
    type: 'histogram',
    labels: ['group', 'topic'],
    help: 'Records applied together in one unit of work',
    exportedBy: consumerApps,
  },
  {
    name: 'consign_consumer_unit_splits_total',
    type: 'counter',
    labels: ['group', 'topic'],
    help: 'Units of work that failed and were split in halves to find the failing record',
    exportedBy: consumerApps,
  },
  {
    name: 'consign_consumer_offset_commits_total',
    type: 'counter',
    labels: ['group', 'topic'],
    help: 'Offsets committed to Kafka, each after one or more units of work',
    exportedBy: consumerApps,
  },
  {
    name: 'consign_consumer_paused_partitions',
    type: 'gauge',
    labels: ['group'],
    help: 'Partitions paused while a dependency is down',
    exportedBy: consumerApps,
  },

  {
    name: 'consign_emails_total',
    type: 'counter',
    labels: ['outcome'],
    help: 'Emails handed to the SMTP relay, by outcome (sent, failed, deferred)',
    exportedBy: ['notification-service'],
  },

  {
    name: 'consign_reconciliation_runs_total',
    type: 'counter',
    labels: ['outcome'],
    help: 'Reconciliation runs finished, by outcome (succeeded, failed)',
    exportedBy: ['reconciler'],
  },
  {
    name: 'consign_reconciliation_discrepancies_total',
    type: 'counter',
    labels: ['kind'],
    help: 'Discrepancies reconciliation found, by kind',
    exportedBy: ['reconciler'],
  },
  {
    name: 'consign_reconciliation_last_success_timestamp_seconds',
    type: 'gauge',
    labels: [],
    help: 'When the last successful reconciliation run finished (Unix time)',
    exportedBy: ['reconciler'],
  },

  // The lag exporter, hosted by the reconciler: it reads Kafka itself, so it keeps reporting while a consumer is down.
  {
    name: 'consign_consumer_group_lag_records',
    type: 'gauge',
    labels: ['group', 'topic', 'partition'],
    help: 'Records a consumer group has not committed yet: end offset minus committed offset (from the earliest offset when the group has no commit)',
    exportedBy: ['reconciler'],
  },
  {
    name: 'consign_consumer_group_lag_seconds',
    type: 'gauge',
    labels: ['group', 'topic', 'partition'],
    help: 'Age of the oldest record a consumer group has not consumed (0 when caught up)',
    exportedBy: ['reconciler'],
  },
  {
    name: 'consign_dead_letter_records',
    type: 'gauge',
    labels: ['group'],
    help: "Records held in the group's dead-letter topic (deadletter.<group>.v1)",
    exportedBy: ['reconciler'],
  },
  {
    name: 'consign_kafka_up',
    type: 'gauge',
    labels: [],
    help: "1 if the lag exporter's last poll reached Kafka, else 0",
    exportedBy: ['reconciler'],
  },
  {
    name: 'consign_lag_poll_timestamp_seconds',
    type: 'gauge',
    labels: [],
    help: 'When the lag exporter last polled Kafka successfully (Unix time)',
    exportedBy: ['reconciler'],
  },
];

/** The series names a metric of the catalogue appears under in Prometheus: a histogram's _bucket, _sum and _count. */
export function seriesNames(metric: MetricDefinition): string[] {
  return metric.type === 'histogram' ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name];
}

/** docs/metrics.md, from the catalogue: what the docs check compares the page with. */
export function metricCatalogueMarkdown(catalogue: readonly MetricDefinition[] = metricCatalogue): string {
  const rows = catalogue.map((metric) => {
    const labels = metric.labels.length === 0 ? '-' : metric.labels.map((label) => `\`${label}\``).join(', ');
    const apps = metric.exportedBy.length === everyApp.length ? 'every app' : metric.exportedBy.join(', ');
    return `| \`${metric.name}\` | ${metric.type} | ${labels} | ${apps} | ${metric.help.replace(/\|/g, '\\|')} |`;
  });
  return [
    '# Metrics',
    '',
    'What every app exports on `/metrics` (internal listener, behind an API key with the `metrics` scope).',
    'Generated from `libs/platform/telemetry/src/metric-catalogue.ts`, the one list of names: the alert rules in',
    "`monitoring/` may only use these (and Prometheus' own, such as `up`), and",
    '`monitoring/checks/metric-catalogue.spec.ts` fails when this page differs from the catalogue',
    "(`UPDATE_METRICS_DOC=1` rewrites it). Prometheus' `job` label says which app a series comes from.",
    "Besides these, every app exports prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`).",
    '',
    '| metric | type | labels | exported by | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
