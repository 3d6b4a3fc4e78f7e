import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { startTelemetry } from '@consign/telemetry';

/**
 * Run as its own process by the telemetry test (the OTLP exporter loads its HTTP agent with a
 * dynamic import, which Jest's module sandbox cannot run): starts telemetry for the service named
 * in argv (with the instrumentations listed in the second argument, if any), ends one span,
 * prints its trace id, the instrumentations enabled and whether http was patched, and flushes.
 */
async function emitSpan(service: string, instrumentations: string | undefined): Promise<void> {
  const telemetry = startTelemetry(service, {
    instrumentations: instrumentations === undefined ? undefined : instrumentations.split(',').filter(Boolean),
  });
  const span = trace.getTracer('telemetry-test').startSpan('checked span');
  span.end();
  // Required after the start, as a service's bundle requires it: the http instrumentation wraps what it exports.
  const http = createRequire(__filename)('node:http') as typeof import('node:http');
  const httpPatched = '__wrapped' in http.request;
  process.stdout.write(
    `${JSON.stringify({ exporting: telemetry.exporting, traceId: span.spanContext().traceId, instrumentations: process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS, httpPatched })}\n`,
  );
  await telemetry.shutdown();
}

void emitSpan(process.argv[2] ?? 'telemetry-test', process.argv[3]);
