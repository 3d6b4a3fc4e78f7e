import { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReadinessCheck } from './http-app';

/** The outcome of one readiness check, as /readyz reports it. */
export interface ReadinessResult {
  name: string;
  ok: boolean;
  error?: string;
}

/** Runs every readiness check at once, each bounded by `timeoutMs`. */
export async function evaluateReadiness(readiness: ReadinessCheck[], timeoutMs = 2000): Promise<ReadinessResult[]> {
  return Promise.all(
    readiness.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), timeoutMs);
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, error: (error as Error).message };
      }
    }),
  );
}

/**
 * What every app reports besides its own metrics: which build it runs (consign_build_info), whether
 * each readiness check passes (consign_ready), and every HTTP request by listener, route and status.
 * Prometheus' `job` label says which app, so none of these carries one.
 */
export function registerServiceMetrics(registry: Registry, readiness: ReadinessCheck[], env: NodeJS.ProcessEnv = process.env): void {
  // The gateway's two listeners share one registry.
  if (registry.getSingleMetric('consign_build_info')) return;
  new Gauge({
    name: 'consign_build_info',
    help: 'Always 1: the build this process runs, in its labels',
    labelNames: ['version', 'revision', 'node_version'],
    registers: [registry],
  }).set({ version: env.BUILD_VERSION || 'unknown', revision: env.BUILD_REVISION || 'unknown', node_version: process.version }, 1);
  // A scrape every few seconds must not run the checks every few seconds: they query Kafka and PostgreSQL.
  let cached: { at: number; results: Promise<ReadinessResult[]> } | undefined;
  new Gauge({
    name: 'consign_ready',
    help: 'Whether each readiness check passes (1) or not (0), as /readyz reports it',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      if (!cached || Date.now() - cached.at > 5000) cached = { at: Date.now(), results: evaluateReadiness(readiness) };
      for (const result of await cached.results) this.set({ check: result.name }, result.ok ? 1 : 0);
    },
  });
  new Counter({
    name: 'consign_http_requests_total',
    help: 'HTTP requests answered, by listener, method, route pattern and status',
    labelNames: httpLabels,
    registers: [registry],
  });
  new Histogram({
    name: 'consign_http_request_duration_seconds',
    help: 'Time from request to answer, by listener, method, route pattern and status',
    labelNames: httpLabels,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

const httpLabels = ['listener', 'method', 'route', 'status'] as const;

/**
 * Counts and times every request a listener answers. The route is Express' pattern (ids and query
 * strings stay out of the labels, which keeps them bounded); a request no route matched is
 * `unmatched`, and a method outside HTTP's common ones is `other`.
 */
export function measureRequests(registry: Registry, listener: 'public' | 'internal'): RequestHandler {
  const requests = registry.getSingleMetric('consign_http_requests_total') as Counter<(typeof httpLabels)[number]> | undefined;
  const duration = registry.getSingleMetric('consign_http_request_duration_seconds') as Histogram<(typeof httpLabels)[number]> | undefined;
  if (!requests || !duration) throw new Error('registerServiceMetrics must run on this registry first');
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = {
        listener,
        method: commonMethods.has(req.method) ? req.method : 'other',
        route: req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched',
        status: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
    });
    next();
  };
}

const commonMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
