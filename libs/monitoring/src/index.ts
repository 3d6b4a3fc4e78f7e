export { heldRecords, partitionLag, resumeOffset } from './consumer-lag';
export { unconsumedRecordAgeMs } from './record-age';
export type { FirstOffsetFrom } from './record-age';
export { deadLetterTopicOf, topicsReadBy, topicsWatchedFor } from './watched-topics';
export { ConsumerLagPoller } from './lag-poller';
export type { LagPollerOptions, LagSnapshot, PartitionLag } from './lag-poller';
export { LagMetrics } from './lag-metrics';
export { startLagExporter } from './lag-exporter';
export type { LagExporter, LagExporterOptions } from './lag-exporter';
