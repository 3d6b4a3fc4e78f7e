import { trace } from '@opentelemetry/api';
import { startTelemetry } from '../telemetry';

/**
 * Run as its own process by the telemetry test (the OTLP exporter loads its HTTP agent with a
 * dynamic import, which Jest's module sandbox cannot run): starts telemetry for the service named
 * in argv, ends one span, prints its trace id and flushes.
 */
async function emitSpan(service: string): Promise<void> {
  const telemetry = startTelemetry(service);
  const span = trace.getTracer('telemetry-test').startSpan('checked span');
  span.end();
  process.stdout.write(`${JSON.stringify({ exporting: telemetry.exporting, traceId: span.spanContext().traceId })}\n`);
  await telemetry.shutdown();
}

void emitSpan(process.argv[2] ?? 'telemetry-test');
