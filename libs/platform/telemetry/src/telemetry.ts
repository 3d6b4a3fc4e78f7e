import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { startTracing, type Telemetry } from '@consign/telemetry-tracing';

export type { Telemetry };

/**
 * Starts OpenTelemetry tracing for one service, with OpenTelemetry's automatic instrumentations.
 * Must run before express, pg and http are loaded, so the service's entry point imports its
 * instrumentation module first. An app that enables none imports @consign/telemetry-tracing
 * instead, and so does not ship the auto-instrumentations package (decision 0016).
 */
export interface TelemetryOptions {
  /**
   * Auto-instrumentations to enable (OTEL_NODE_ENABLED_INSTRUMENTATIONS still wins); default http,
   * express, pg, pino. None: the service starts its spans itself and passes their context explicitly.
   */
  instrumentations?: string[];
}

export function startTelemetry(service: string, options: TelemetryOptions = {}, env: NodeJS.ProcessEnv = process.env): Telemetry {
  if (env.OTEL_SDK_DISABLED === 'true') return startTracing(service, [], env);
  // Kafka spans come from the platform's own publisher and consumer, which carry the context in record headers.
  env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= (options.instrumentations ?? ['http', 'express', 'pg', 'pino']).join(',');
  // An empty list must stay empty: the auto-instrumentations read an empty variable as "all of them".
  return startTracing(service, env.OTEL_NODE_ENABLED_INSTRUMENTATIONS.trim() === '' ? [] : [getNodeAutoInstrumentations()], env);
}
