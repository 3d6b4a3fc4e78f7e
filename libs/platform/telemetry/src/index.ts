export { startTelemetry } from './telemetry';
export type { Telemetry } from './telemetry';
export { metricCatalogue, metricCatalogueMarkdown, seriesNames } from './metric-catalogue';
