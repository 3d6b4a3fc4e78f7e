import express, { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { PlatformError, problemFrom, toPlatformError } from '@consign/errors';
import { Logger } from './logger';

/** A dependency a service needs to do its work; `/readyz` reports each one. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ServiceHttpOptions {
  service: string;
  logger: Logger;
  readiness: ReadinessCheck[];
  metrics?: Registry;
}

export interface ServiceHttp {
  app: Express;
  metrics: Registry;
  /** Adds the problem-body error handler and the 404 fallback; call after the routes. */
  finish(): void;
}

/** Express app with the endpoints every service has: /healthz, /readyz, /metrics. */
export function createServiceHttp(options: ServiceHttpOptions): ServiceHttp {
  const app = express();
  app.disable('x-powered-by');
  // Nothing revalidates these answers, and Express would hash every body for its ETag (about 1.4 %
  // of the gateway's CPU at 500 webhooks/s).
  app.disable('etag');
  const metrics = options.metrics ?? new Registry();
  metrics.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: metrics });

  app.use(assignRequestId);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, error: (error as Error).message };
        }
      }),
    );
    const ready = results.every((result) => result.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', service: options.service, checks: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  return {
    app,
    metrics,
    finish() {
      app.use((req, _res, next) => {
        next(new PlatformError(`no route for ${req.method} ${req.path}`, { code: 'http.not_found', category: 'invalid', httpStatus: 404 }));
      });
      app.use(problemHandler(options.logger));
    },
  };
}

const assignRequestId: RequestHandler = (req, res, next) => {
  const incoming = req.header('x-request-id');
  const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader('x-request-id', requestId);
  next();
};

/** Maps every error, ours or Express' body parser's, to an RFC 9457 problem body. */
function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const problem = toPlatformError(fromBodyParser(error));
    if (problem.httpStatus >= 500) logger.error({ err: error, code: problem.code }, 'request failed');
    res.status(problem.httpStatus).type('application/problem+json').json(problemFrom(problem, res.locals.requestId as string));
  };
}

function fromBodyParser(error: unknown): unknown {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return new PlatformError(`request body is larger than the limit of ${limit} bytes`, {
      code: 'http.body_too_large',
      category: 'invalid',
      httpStatus: 413,
      details: { limitBytes: limit },
    });
  }
  if (type === 'request.aborted') {
    return new PlatformError('client closed the request before the body was read', { code: 'http.aborted', category: 'invalid' });
  }
  return error;
}

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
