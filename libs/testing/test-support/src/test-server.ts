import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Router } from 'express';
import { ApiKeyring, createLogger, createServiceHttp } from '@consign/service-runtime';

export interface TestServer {
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

/**
 * Serves routers the way a service does (request ids, the platform's problem bodies, 404s) on a
 * free port, so read APIs are tested over real HTTP. The routers are served as given: the
 * services put the key check in front of them (tested with the service runtime).
 */
export async function startTestServer(name: string, ...routers: Router[]): Promise<TestServer> {
  const http = createServiceHttp({ service: name, logger: createLogger(name, 'silent'), readiness: [], apiKeys: new ApiKeyring([]) });
  for (const router of routers) http.app.use(router);
  http.finish();
  const server: Server = http.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
