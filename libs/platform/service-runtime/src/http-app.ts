import express, { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { ApiKeyring, ApiScope, requireScope } from './api-key';
import { randomUUID } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { PlatformError, problemFrom, toPlatformError } from '@consign/errors';
import { Logger } from './logger';
import { evaluateReadiness, measureRequests, registerServiceMetrics } from './service-metrics';

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
  /** The keys that /metrics and every guarded route accept. */
  apiKeys: ApiKeyring;
}

export interface ServiceHttp {
  app: Express;
  metrics: Registry;
  /** Admits a request only with a key that has `scope` on this app (401 or 403 otherwise). */
  guard(scope: ApiScope): RequestHandler;
  /** Adds the problem-body error handler and the 404 fallback; call after the routes. */
  finish(): void;
}

/**
 * The internal listener's Express app: /healthz and /readyz, /metrics behind the `metrics` scope,
 * and an access-log line for every other request. Its routes (read APIs, admin) use `guard`.
 */
export function createServiceHttp(options: ServiceHttpOptions): ServiceHttp {
  const metrics = options.metrics ?? new Registry();
  collectDefaultMetrics({ register: metrics });
  registerServiceMetrics(metrics, options.readiness);
  const guard = (scope: ApiScope): RequestHandler => requireScope(options.apiKeys, scope, options.service);
  const app = baseApp(options, (app) => {
    app.use(measureRequests(metrics, 'internal'));
    app.use(accessLog(options.logger));
    // No browser calls these APIs: Express would otherwise answer OPTIONS itself, before any key check.
    app.use((req, _res, next) => {
      next(
        req.method === 'OPTIONS'
          ? new PlatformError('OPTIONS is not served here', { code: 'http.method_not_allowed', category: 'invalid', httpStatus: 405 })
          : undefined,
      );
    });
    app.get('/metrics', guard('metrics'), async (_req, res) => {
      res.type(metrics.contentType).send(await metrics.metrics());
    });
  });
  return { app, metrics, guard, finish: () => finishApp(app, options.logger) };
}

/**
 * The gateway's public listener: only /healthz, /readyz and what the app adds (the webhook
 * endpoints, which log and authenticate each delivery themselves). Its requests are counted in
 * `metrics`, which the internal listener serves.
 */
export function createPublicHttp(
  options: Pick<ServiceHttpOptions, 'service' | 'logger' | 'readiness'> & { metrics: Registry },
): Pick<ServiceHttp, 'app' | 'finish'> {
  registerServiceMetrics(options.metrics, options.readiness);
  const app = baseApp(options, (app) => app.use(measureRequests(options.metrics, 'public')));
  return { app, finish: () => finishApp(app, options.logger) };
}

function baseApp(options: Pick<ServiceHttpOptions, 'service' | 'readiness'>, before: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  // Nothing revalidates these answers, and Express would hash every body for its ETag (about 1.4 %
  // of the gateway's CPU at 500 webhooks/s).
  app.disable('etag');
  app.use(assignRequestId);
  app.use(refuseNulInTarget);
  before(app);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await evaluateReadiness(options.readiness);
    const ready = results.every((result) => result.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', service: options.service, checks: results });
  });
  return app;
}

function finishApp(app: Express, logger: Logger): void {
  app.use((req, _res, next) => {
    next(new PlatformError(`no route for ${req.method} ${req.path}`, { code: 'http.not_found', category: 'invalid', httpStatus: 404 }));
  });
  app.use(problemHandler(logger));
}

const probes = new Set(['/healthz', '/readyz']);

/**
 * One line per read, admin or metrics request: who (the key's name), which route (its pattern, so
 * ids and query strings, which may hold personal data, stay out of the log), the status and time.
 */
function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (probes.has(req.path)) {
      next();
      return;
    }
    const startedAt = process.hrtime.bigint();
    res.once('finish', () => {
      logger.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          route: req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched',
          status: res.statusCode,
          caller: res.locals.caller ?? null,
          latencyMs: Math.round(Number(process.hrtime.bigint() - startedAt) / 1e4) / 100,
        },
        'api request',
      );
    });
    next();
  };
}

/**
 * PostgreSQL text cannot hold NUL, so an id or filter with %00 would fail its query with a 500
 * (found by fuzzing). No id, filter or path of the platform holds one: the request is refused.
 */
const refuseNulInTarget: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.originalUrl)) {
    next(
      new PlatformError('the request path or query holds a NUL character (%00)', {
        code: 'http.nul_in_url',
        category: 'invalid',
        httpStatus: 400,
      }),
    );
    return;
  }
  next();
};

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
    const problem = toPlatformError(fromRouter(fromBodyParser(error)));
    if (problem.httpStatus >= 500) logger.error({ err: error, code: problem.code }, 'request failed');
    // For the audit log's record of an admin call that failed.
    res.locals.problemCode = problem.code;
    res
      .status(problem.httpStatus)
      .type('application/problem+json')
      .json(problemFrom(problem, res.locals.requestId as string));
  };
}

/**
 * The PlatformError for a path parameter that Express' router cannot percent-decode
 * (`/consignors/%E0`), which it marks 400 but which would otherwise answer 500; other errors unchanged.
 */
function fromRouter(error: unknown): unknown {
  if (error instanceof URIError && (error as { status?: number }).status === 400) {
    return new PlatformError('the request path is not valid percent-encoded UTF-8', {
      code: 'http.malformed_path',
      category: 'invalid',
      httpStatus: 400,
    });
  }
  return error;
}

/** What Node's zlib reports for a compressed body it cannot decode: zlib (gzip, deflate), Brotli or Zstandard codes. */
const corruptEncoding = /^(Z_|ERR__ERROR_|ERR_BROTLI|ZSTD_error_)/;

/**
 * The PlatformError for a failure of Express' body parser (body-parser and raw-body), or the error
 * unchanged when it is none. Every fault of the request gets a 4xx: a 5xx would have senders such
 * as Shopify retry the same bad request for hours. What stays a 500 is our own misuse of the body
 * stream (raw-body's `stream.encoding.set` and `stream.not.readable`), with a generic detail.
 */
export function fromBodyParser(error: unknown): unknown {
  const { type, status, expose, code, message } = error as {
    type?: string;
    status?: number;
    expose?: boolean;
    code?: string;
    message?: string;
  };
  switch (type) {
    case 'entity.too.large': {
      const limit = (error as { limit?: number }).limit;
      return new PlatformError(`request body is larger than the limit of ${limit} bytes`, {
        code: 'http.body_too_large',
        category: 'invalid',
        httpStatus: 413,
        details: { limitBytes: limit },
      });
    }
    case 'request.aborted':
      return new PlatformError('client closed the request before the body was read', { code: 'http.aborted', category: 'invalid' });
    case 'encoding.unsupported': {
      const encoding = (error as { encoding?: string }).encoding;
      return new PlatformError(`Content-Encoding "${encoding}" is not supported: send identity, gzip, deflate, br or zstd`, {
        code: 'http.unsupported_encoding',
        category: 'invalid',
        httpStatus: 415,
        details: { encoding },
      });
    }
    case 'charset.unsupported': {
      const charset = (error as { charset?: string }).charset;
      return new PlatformError(`charset "${charset}" is not supported`, {
        code: 'http.unsupported_charset',
        category: 'invalid',
        httpStatus: 415,
        details: { charset },
      });
    }
    case 'entity.parse.failed':
      return new PlatformError(`request body cannot be parsed: ${message}`, { code: 'http.malformed_body', category: 'invalid' });
  }
  if (code !== undefined && corruptEncoding.test(code)) {
    return new PlatformError(`request body cannot be decoded as its Content-Encoding says: ${message}`, {
      code: 'http.body_encoding_invalid',
      category: 'invalid',
    });
  }
  // Any other refusal the parser marks as the client's (http-errors' `expose`), under its own status.
  if (expose === true && status !== undefined && status >= 400 && status < 500) {
    return new PlatformError(`request refused by the body parser: ${message}`, {
      code: 'http.request_invalid',
      category: 'invalid',
      httpStatus: status,
    });
  }
  return error;
}
