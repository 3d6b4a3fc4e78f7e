import { Server } from 'node:http';
import { Express } from 'express';
import { createExpressServer } from './express-server';
import { Logger } from './logger';
import { applyRequestDeadlines } from './request-deadlines';

/** One HTTP listener of an app: the internal one (read, admin, metrics) or the gateway's public one. */
export interface ServiceListener {
  name: 'internal' | 'public';
  app: Express;
  port: number;
  host: string;
  /** Set on a listener that strangers reach: how long a sender may take over headers and over the whole request. */
  deadlines?: Parameters<typeof applyRequestDeadlines>[1];
}

export interface RunServiceOptions {
  service: string;
  listeners: ServiceListener[];
  logger: Logger;
  /** Run in order on shutdown, after the HTTP server stops accepting requests. */
  stop: Array<{ name: string; run: () => Promise<void> }>;
  /** Upper bound for the whole shutdown; the process exits non-zero when it is exceeded. */
  shutdownTimeoutMs?: number;
}

export interface RunningService {
  /** The servers in the order of the listeners, each with the port it got (0 asks for any free one). */
  servers: Array<{ name: ServiceListener['name']; server: Server; port: number }>;
  shutdown(reason: string): Promise<void>;
}

/**
 * Listens, and on SIGTERM or SIGINT stops accepting requests, runs the stop hooks (drain consumers,
 * flush producers, close pools) within a bounded time, then exits.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const servers = await Promise.all(options.listeners.map((listener) => listen(listener, options)));

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      options.logger.info({ reason }, `${options.service} shutting down`);
      const timeout = setTimeout(() => {
        options.logger.error(`${options.service} did not stop within ${options.shutdownTimeoutMs ?? 15_000} ms; exiting`);
        process.exit(1);
      }, options.shutdownTimeoutMs ?? 15_000);
      timeout.unref();
      await Promise.all(
        servers.map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        ),
      );
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
  return { servers, shutdown };
}

async function listen(listener: ServiceListener, options: RunServiceOptions): Promise<RunningService['servers'][number]> {
  const server = createExpressServer(listener.app);
  if (listener.deadlines) applyRequestDeadlines(server, listener.deadlines);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listener.port, listener.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listener.port;
  options.logger.info(
    { listener: listener.name, host: listener.host, port },
    `${options.service} ${listener.name} listener on ${listener.host}:${port}`,
  );
  return { name: listener.name, server, port };
}
