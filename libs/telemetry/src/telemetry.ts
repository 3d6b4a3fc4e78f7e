import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace';

export interface Telemetry {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes the spans still buffered; part of a graceful stop. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for one service. Must run before express, pg and http are loaded,
 * so the service's entry point imports its instrumentation module first.
 *
 * Spans are always created, so trace context flows through Kafka headers and log lines carry trace
 * ids; they are exported over OTLP/HTTP only when the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, because a default exporter would retry against a
 * collector that development machines do not run. OTEL_SDK_DISABLED=true turns everything off.
 */
export interface TelemetryOptions {
  /**
   * Auto-instrumentations to enable (OTEL_NODE_ENABLED_INSTRUMENTATIONS still wins); default http,
   * express, pg, pino. None: the service starts its spans itself and passes their context explicitly.
   */
  instrumentations?: string[];
}

export function startTelemetry(service: string, options: TelemetryOptions = {}, env: NodeJS.ProcessEnv = process.env): Telemetry {
  if (env.OTEL_SDK_DISABLED === 'true') return { exporting: false, shutdown: async () => undefined };
  // Kafka spans come from the platform's own publisher and consumer, which carry the context in record headers.
  env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= (options.instrumentations ?? ['http', 'express', 'pg', 'pino']).join(',');
  // An empty list must stay empty: the auto-instrumentations read an empty variable as "all of them".
  const instrumentations = env.OTEL_NODE_ENABLED_INSTRUMENTATIONS.trim() === '' ? [] : [getNodeAutoInstrumentations()];
  env.OTEL_SERVICE_NAME ??= service;
  // Metrics are Prometheus' (/metrics) and logs go to stdout; OpenTelemetry carries traces only.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined);
  // Without an exporter the SDK would register no tracer at all, and the gateway would start no trace to propagate.
  const spanProcessors: SpanProcessor[] = [tracesUrl ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl }), scheduledDelayMillis: 500 }) : new NoopSpanProcessor()];
  const sdk = new NodeSDK({ serviceName: service, spanProcessors, instrumentations });
  sdk.start();
  return { exporting: tracesUrl !== undefined, shutdown: () => sdk.shutdown() };
}
