import { IncomingHttpHeaders } from 'node:http';
import { Context, isSpanContextValid, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('@consign/webhook-gateway');

/**
 * The server span of one webhook request, carried explicitly instead of as the active context:
 * the gateway runs without the http auto-instrumentation, whose context tracking across every
 * promise cost more CPU than the request path can spare at its latency target (decision 0009).
 */
export interface RequestTrace {
  /** The request's trace context, injected into the records it publishes. */
  readonly context: Context;
  /** The ids for the access log line, named as the pino instrumentation names them elsewhere. */
  readonly logFields: { trace_id?: string; span_id?: string };
  end(statusCode: number): void;
}

/** Starts the request's span, as a child of a trace context the caller sent, if any. */
export function startRequestTrace(method: string, route: string, headers: IncomingHttpHeaders): RequestTrace {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(
    `${method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
    parent,
  );
  const ids = span.spanContext();
  return {
    context: trace.setSpan(parent, span),
    logFields: isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {},
    end(statusCode) {
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
