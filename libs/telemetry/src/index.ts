export { startTelemetry } from './telemetry';
export type { Telemetry } from './telemetry';
