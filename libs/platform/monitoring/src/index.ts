export { ConsumerLagPoller } from './lag-poller';
export type { LagSnapshot, PartitionLag } from './lag-poller';
export { LagMetrics } from './lag-metrics';
export { startLagExporter } from './lag-exporter';
