import { startTelemetry } from '@consign/telemetry';

/**
 * Imported first by main.ts: tracing must patch http before it is loaded. Only the http server
 * span (which starts each trace) and log correlation: a span per express middleware cost more CPU
 * than the request path can spare at its latency target, and the gateway's queries serve batches
 * of requests, so a pg span would sit in whichever request's trace happened to start the batch.
 */
export const telemetry = startTelemetry('gateway', { instrumentations: ['http', 'pino'] });
