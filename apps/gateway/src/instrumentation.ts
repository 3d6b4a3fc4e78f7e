import { startTelemetry } from '@consign/telemetry';

/**
 * Imported first by main.ts. The gateway enables no auto-instrumentation: the webhook router starts
 * each request's server span itself and passes its context explicitly into the records it
 * publishes. The http instrumentation tracks the active context across every promise, which cost
 * more CPU than the request path can spare at its latency target (decision 0009); express and pg
 * spans cost more still, and the gateway's queries serve batches of requests anyway.
 */
export const telemetry = startTelemetry('gateway', { instrumentations: [] });
