export { startTracing } from './tracing';
export type { Telemetry } from './tracing';
