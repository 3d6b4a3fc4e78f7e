import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace';

export interface Telemetry {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes the spans still buffered; part of a graceful stop. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for one service with exactly the `instrumentations` given. A project
 * of its own, apart from @consign/telemetry, because that one brings the auto-instrumentations
 * package: an app that makes its spans itself (the gateway) depends on this one only, so its
 * production bundle neither ships nor loads them (decision 0016).
 *
 * Spans are always created, so trace context flows through Kafka headers and log lines carry trace
 * ids; they are exported over OTLP/HTTP only when the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, because a default exporter would retry against a
 * collector that development machines do not run. OTEL_SDK_DISABLED=true turns everything off.
 */
export function startTracing(
  service: string,
  instrumentations: NodeSDKConfiguration['instrumentations'],
  env: NodeJS.ProcessEnv = process.env,
): Telemetry {
  if (env.OTEL_SDK_DISABLED === 'true') return { exporting: false, shutdown: async () => undefined };
  env.OTEL_SERVICE_NAME ??= service;
  // Metrics are Prometheus' (/metrics) and logs go to stdout; OpenTelemetry carries traces only.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const tracesUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined);
  // Without an exporter the SDK would register no tracer at all, and the gateway would start no trace to propagate.
  const spanProcessors: SpanProcessor[] = [
    tracesUrl
      ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl }), scheduledDelayMillis: 500 })
      : new NoopSpanProcessor(),
  ];
  const sdk = new NodeSDK({ serviceName: service, spanProcessors, instrumentations });
  sdk.start();
  return { exporting: tracesUrl !== undefined, shutdown: () => sdk.shutdown() };
}
