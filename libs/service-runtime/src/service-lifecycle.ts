import { Server } from 'node:http';
import { Express } from 'express';
import { createExpressServer } from './express-server';
import { Logger } from './logger';

export interface RunServiceOptions {
  service: string;
  port: number;
  host?: string;
  app: Express;
  logger: Logger;
  /** Run in order on shutdown, after the HTTP server stops accepting requests. */
  stop: Array<{ name: string; run: () => Promise<void> }>;
  /** Upper bound for the whole shutdown; the process exits non-zero when it is exceeded. */
  shutdownTimeoutMs?: number;
}

export interface RunningService {
  server: Server;
  port: number;
  shutdown(reason: string): Promise<void>;
}

/**
 * Listens, and on SIGTERM or SIGINT stops accepting requests, runs the stop hooks (drain consumers,
 * flush producers, close pools) within a bounded time, then exits.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = createExpressServer(options.app).listen(options.port, options.host ?? '0.0.0.0', () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger.info({ port }, `${options.service} listening on http://127.0.0.1:${port}`);

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      options.logger.info({ reason }, `${options.service} shutting down`);
      const timeout = setTimeout(() => {
        options.logger.error(`${options.service} did not stop within ${options.shutdownTimeoutMs ?? 15_000} ms; exiting`);
        process.exit(1);
      }, options.shutdownTimeoutMs ?? 15_000);
      timeout.unref();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const hook of options.stop) {
        try {
          await hook.run();
        } catch (error) {
          options.logger.error({ err: error, hook: hook.name }, 'stop hook failed');
        }
      }
      clearTimeout(timeout);
      options.logger.info(`${options.service} stopped`);
    })();
    return stopping;
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  return { server, port, shutdown };
}
