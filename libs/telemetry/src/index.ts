export { startTelemetry } from './telemetry';
export type { Telemetry, TelemetryOptions } from './telemetry';
export { metricCatalogue, metricCatalogueMarkdown, seriesNames, type MetricDefinition, type MetricExporter, type MetricType } from './metric-catalogue';
