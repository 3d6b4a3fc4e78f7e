import { startTracing } from '@consign/telemetry-tracing';

/**
 * Imported first by main.ts. The gateway enables no auto-instrumentation: the webhook router starts
 * each request's server span itself and passes its context explicitly into the records it
 * publishes. The http instrumentation tracks the active context across every promise, which cost
 * more CPU than the request path can spare at its latency target (decision 0009); express and pg
 * spans cost more still, and the gateway's queries serve batches of requests anyway. So it takes
 * tracing without the auto-instrumentations package, which its production bundle then leaves out
 * (decision 0016).
 */
export const telemetry = startTracing('gateway', []);
