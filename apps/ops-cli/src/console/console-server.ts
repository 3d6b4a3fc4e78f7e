import { existsSync } from 'node:fs';
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { NextFunction, Request, Response } from 'express';
import { isPlatformError, PlatformError, problemFrom } from '@consign/errors';
import { randomUUID } from 'node:crypto';
import { grants, Logger } from '@consign/service-runtime';
import { CommandOptionTypes, ConsoleRequest, planConsoleRun } from './console-commands';
import { ConsoleSession, ConsoleSessions, SignInThrottle } from './console-sessions';
import { ConsoleSettings } from './console-settings';

/** The CLI as the console drives it: its option definitions, and a run with output captured. */
export interface ConsoleRunner {
  optionsOf(path: string[]): CommandOptionTypes | undefined;
  run(argv: string[], io: { out: (text: string) => void; err: (text: string) => void; progress: (line: string) => void }): Promise<number>;
}

const cookieName = 'consign_console';
/** Every state-changing request carries it: a page of another site cannot send it without a CORS preflight, which is never granted. */
const requestHeader = 'x-consign-console';

/** In the source tree next to this file; in the standalone bundle, copied beside main.js by the build. */
function assetsDirectory(): string {
  const candidates = [join(__dirname, 'console'), join(__dirname, 'assets')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!found) throw new Error(`the console's pages are missing: looked in ${candidates.join(' and ')}`);
  return found;
}

function problem(res: Response, error: PlatformError): void {
  res.status(error.httpStatus).type('application/problem+json').json(problemFrom(error));
}

function cookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName) return value.join('=');
  }
  return undefined;
}

const unauthorized = () =>
  new PlatformError('sign in with an operator key first', { code: 'console.signed_out', category: 'unauthorized', httpStatus: 401 });

/** The commands running for pages: a stop waits for them, since one may have a service stopped or a job half done. */
export class ConsoleRuns {
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  get accepting(): boolean {
    return !this.stopping;
  }

  track<T>(run: Promise<T>): Promise<T> {
    this.running.add(run);
    void run.finally(() => this.running.delete(run)).catch(() => undefined);
    return run;
  }

  /** Refuses new runs, then waits up to `timeoutMs` for those running; resolves with how many were left. */
  async drain(timeoutMs: number): Promise<number> {
    this.stopping = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.running]), deadline]);
    return this.running.size;
  }
}

/** Without a command's answer for this long, the stream starts with a heartbeat: a proxy in front must not time the request out. */
const firstLineAfterMs = 2000;
const heartbeatEveryMs = 15_000;

/**
 * The operator console: static pages and one JSON API that runs the CLI's commands for the
 * signed-in operator (decision 0027). Signing in takes an API key with the read scope on
 * `console`; what changes state needs admin there, and every app the command calls checks the
 * same key's scopes again.
 */
export function createConsoleApp(
  settings: ConsoleSettings,
  runner: ConsoleRunner,
  options: { now?: () => number; runs?: ConsoleRuns; logger?: Logger } = {},
): express.Express {
  const now = options.now ?? Date.now;
  const runs = options.runs ?? new ConsoleRuns();
  const logger = options.logger;
  const sessions = new ConsoleSessions(settings.sessionIdleMs, now);
  const throttle = new SignInThrottle(10, now);
  const secure = settings.tls !== 'off';
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.set({
      'content-security-policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      ...(secure ? { 'strict-transport-security': 'max-age=31536000' } : {}),
    });
    next();
  });
  app.get('/', (_req, res) => res.redirect(303, '/console/'));
  app.use('/console', express.static(assetsDirectory(), { index: 'index.html', redirect: true, maxAge: 0 }));

  const api = express.Router();
  api.use((req, res, next) => {
    res.set('cache-control', 'no-store');
    if (req.method !== 'GET' && req.get(requestHeader) !== '1')
      return problem(
        res,
        new PlatformError(`a console request must carry the ${requestHeader} header`, {
          code: 'console.request_forged',
          category: 'unauthorized',
          httpStatus: 403,
        }),
      );
    next();
  });
  api.use(express.json({ limit: '64kb' }));

  const sessionOf = (req: Request): ConsoleSession | undefined => sessions.find(cookieOf(req));
  const may = (session: ConsoleSession, scope: 'read' | 'admin') =>
    grants({ name: session.operator, sha256: '', scopes: session.scopes }, scope, 'console');
  const describe = (session: ConsoleSession) => ({ operator: session.operator, scopes: session.scopes, mayChange: may(session, 'admin') });

  api.post('/session', (req, res) => {
    // Behind the TLS proxy every operator comes from the proxy's address: its X-Forwarded-For names the browser's.
    const forwarded = settings.tls === 'proxy' ? req.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
    const address = forwarded || (req.socket.remoteAddress ?? 'unknown');
    if (!throttle.allows(address))
      return problem(
        res,
        new PlatformError('too many failed sign-ins from this address; wait a minute', {
          code: 'console.sign_in_throttled',
          category: 'unauthorized',
          httpStatus: 429,
        }),
      );
    const presented = (req.body as { apiKey?: unknown } | undefined)?.apiKey;
    if (typeof presented !== 'string' || presented === '')
      return problem(
        res,
        new PlatformError('give the operator key as apiKey', {
          code: 'console.request_invalid',
          category: 'invalid',
          httpStatus: 400,
          details: { parameter: 'apiKey' },
        }),
      );
    const key = settings.apiKeys.identify(presented);
    if (!key || !grants(key, 'read', 'console')) {
      throttle.failed(address);
      return problem(
        res,
        new PlatformError(
          key ? `the key "${key.name}" does not have the read scope on console` : 'that key is not an operator key of this console',
          { code: key ? 'console.forbidden' : 'console.key_unknown', category: 'unauthorized', httpStatus: key ? 403 : 401 },
        ),
      );
    }
    const id = sessions.open(key, presented);
    res.cookie(cookieName, id, { httpOnly: true, sameSite: 'strict', secure, path: '/console' });
    res.status(201).json(describe(sessions.find(id) as ConsoleSession));
  });
  api.get('/session', (req, res) => {
    const session = sessionOf(req);
    if (!session) return problem(res, unauthorized());
    res.json(describe(session));
  });
  api.delete('/session', (req, res) => {
    sessions.close(cookieOf(req));
    res.clearCookie(cookieName, { httpOnly: true, sameSite: 'strict', secure, path: '/console' });
    res.status(204).end();
  });

  // Progress lines stream as NDJSON while the command runs; the last line holds the exit code and the result.
  api.post('/run', async (req, res, next) => {
    try {
      const session = sessionOf(req);
      if (!session) return problem(res, unauthorized());
      if (!runs.accepting)
        return problem(
          res,
          new PlatformError('the console is stopping; try again when it is back', {
            code: 'console.stopping',
            category: 'transient',
            httpStatus: 503,
          }),
        );
      const plan = planConsoleRun((req.body ?? {}) as ConsoleRequest, (path) => runner.optionsOf(path));
      if (!may(session, plan.scope)) {
        return problem(
          res,
          new PlatformError(`the key "${session.operator}" does not have the ${plan.scope} scope on console`, {
            code: 'console.forbidden',
            category: 'unauthorized',
            httpStatus: 403,
            details: { scope: plan.scope },
          }),
        );
      }
      let out = '';
      let err = '';
      let streaming = false;
      const stream = (line: Record<string, unknown>) => {
        if (!streaming) {
          streaming = true;
          res.status(200).type('application/x-ndjson');
        }
        res.write(`${JSON.stringify(line)}\n`);
      };
      const runId = randomUUID();
      const startedAt = now();
      const argv = [...plan.args, `--as=${session.operator}`, `--api-key=${session.apiKey}`, '--', ...plan.operands];
      // A command that answers at once (a refused command line) is answered with its status; a long one streams.
      let beating: NodeJS.Timeout | undefined;
      const firstBeat = setTimeout(() => {
        stream({});
        beating = setInterval(() => stream({}), heartbeatEveryMs);
      }, firstLineAfterMs);
      let exitCode: number;
      try {
        exitCode = await runs.track(
          runner.run(argv, { out: (text) => (out += text), err: (text) => (err += text), progress: (line) => stream({ progress: line }) }),
        );
      } finally {
        clearTimeout(firstBeat);
        clearInterval(beating);
      }
      // Who ran what and how it ended; never the command line, which holds the key.
      logger?.info(
        { runId, operator: session.operator, command: plan.command, mode: plan.mode, exitCode, ms: now() - startedAt },
        'console command finished',
      );
      let result: unknown = null;
      try {
        result = out.trim() ? JSON.parse(out) : null;
      } catch {
        result = null;
      }
      const error = (result as { error?: { message: string; code: string } } | null)?.error;
      // A command line the CLI refuses is a bad request, answered as one when nothing has streamed yet.
      if (exitCode === 2 && !streaming)
        return problem(
          res,
          new PlatformError(error?.message ?? (err.replace(/^error: /, '').split('\n')[0] || 'the command was refused'), {
            code: 'console.request_invalid',
            category: 'invalid',
            httpStatus: 400,
          }),
        );
      stream({ exitCode, result: error ? null : result, ...(error ? { error } : {}), messages: err.trim() ? err.trim().split('\n') : [] });
      res.end();
    } catch (error) {
      const requestId = randomUUID();
      logger?.error({ requestId, err: (error as Error).message }, 'console request failed');
      // Once the stream has started, its last line says what went wrong instead of a status.
      if (res.headersSent) {
        res.end(
          `${JSON.stringify({ exitCode: 1, result: null, error: { message: `the console failed (request ${requestId})`, code: 'console.failed' }, messages: [] })}\n`,
        );
        return;
      }
      next(error);
    }
  });
  app.use('/console/api', api);
  app.use('/console/api', (_req: Request, res: Response) =>
    problem(res, new PlatformError('no such console API', { code: 'console.not_found', category: 'invalid', httpStatus: 404 })),
  );
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number }).status;
    if (isPlatformError(error)) return problem(res, error);
    // A body-parser message can quote the body, which may be a key: say what is wrong without it.
    if ((error as { type?: string }).type === 'entity.parse.failed')
      return problem(
        res,
        new PlatformError('the request body is not valid JSON', { code: 'console.request_invalid', category: 'invalid', httpStatus: 400 }),
      );
    if (typeof status === 'number' && status >= 400 && status < 500)
      return problem(
        res,
        new PlatformError((error as Error).message, { code: 'console.request_invalid', category: 'invalid', httpStatus: status }),
      );
    problem(res, new PlatformError((error as Error).message, { code: 'console.failed', category: 'transient', httpStatus: 500 }));
  });
  return app;
}

export interface RunningConsole {
  url: string;
  server: Server;
  /** Stops taking requests, waits for the commands still running (up to `drainMs`), then closes; resolves with how many were abandoned. */
  close(drainMs?: number): Promise<number>;
}

export async function startConsole(settings: ConsoleSettings, runner: ConsoleRunner, logger?: Logger): Promise<RunningConsole> {
  const runs = new ConsoleRuns();
  const app = createConsoleApp(settings, runner, { runs, logger });
  const server =
    settings.tls === 'on'
      ? createHttpsServer({ cert: settings.certificate, key: settings.privateKey, minVersion: 'TLSv1.2' }, app)
      : createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `${settings.tls === 'on' ? 'https' : 'http'}://${hostPart}:${port}/console/`,
    server,
    close: async (drainMs = 120_000) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const abandoned = await runs.drain(drainMs);
      server.closeAllConnections();
      await closed;
      return abandoned;
    },
  };
}
