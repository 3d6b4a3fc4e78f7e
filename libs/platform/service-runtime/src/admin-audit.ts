import { RequestHandler } from 'express';
import { Logger } from './logger';

/** One call to an admin endpoint, as the audit log keeps it. */
export interface AdminCall {
  /** `api-key:<key name>`, or `unauthenticated` when no key matched. */
  actor: string;
  /** The method and the route's path pattern: `POST /admin/consumer/stop`. */
  action: string;
  parameters: { path: string; query: unknown; body: unknown };
  outcome: 'succeeded' | 'failed' | 'refused';
  status: number;
  /** The problem code of a call that did not succeed. */
  error: string | null;
  requestId: string;
  startedAt: Date;
  finishedAt: Date;
}

const bodyLimitChars = 4096;

/**
 * Records every call under the path it is mounted on, refused ones included, once it is answered.
 * Mount it before the key check. A record that cannot be written is logged whole instead, at error
 * level, so an audit gap is itself visible.
 */
export function auditAdminCalls(record: (call: AdminCall) => Promise<void>, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = new Date();
    res.once('finish', () => {
      const caller = res.locals.caller as string | undefined;
      const status = res.statusCode;
      const call: AdminCall = {
        actor: caller === undefined ? 'unauthenticated' : `api-key:${caller}`,
        action: `${req.method} ${req.route ? `${req.baseUrl}${String(req.route.path)}` : req.originalUrl.split('?')[0]}`,
        parameters: { path: req.originalUrl.split('?')[0], query: req.query, body: boundedBody(req.body) },
        outcome: status === 401 || status === 403 ? 'refused' : status < 400 ? 'succeeded' : 'failed',
        status,
        error: status < 400 ? null : ((res.locals.problemCode as string | undefined) ?? `http.${status}`),
        requestId: String(res.locals.requestId),
        startedAt,
        finishedAt: new Date(),
      };
      record(call).catch((error: unknown) =>
        logger.error({ err: (error as Error).message, call }, 'admin call not recorded in the audit log'),
      );
    });
    next();
  };
}

function boundedBody(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  const text = JSON.stringify(body);
  return text.length <= bodyLimitChars ? body : { truncated: `${text.slice(0, bodyLimitChars)}…` };
}
