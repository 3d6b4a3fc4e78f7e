import { trace } from '@opentelemetry/api';
import { startTelemetry } from '../telemetry';

/**
 * Run as its own process by the telemetry test (the OTLP exporter loads its HTTP agent with a
 * dynamic import, which Jest's module sandbox cannot run): starts telemetry for the service named
 * in argv (with the instrumentations listed in the second argument, if any), ends one span,
 * prints its trace id and the instrumentations enabled, and flushes.
 */
async function emitSpan(service: string, instrumentations: string | undefined): Promise<void> {
  const telemetry = startTelemetry(service, { instrumentations: instrumentations?.split(',') });
  const span = trace.getTracer('telemetry-test').startSpan('checked span');
  span.end();
  process.stdout.write(`${JSON.stringify({ exporting: telemetry.exporting, traceId: span.spanContext().traceId, instrumentations: process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS })}\n`);
  await telemetry.shutdown();
}

void emitSpan(process.argv[2] ?? 'telemetry-test', process.argv[3]);
