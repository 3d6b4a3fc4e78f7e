import express from 'express';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { createLogger, runService } from './index';

/**
 * createExpressServer leans on Express's and node:http's internals, which an upgrade may change
 * without a type error; this says what broke and where to look.
 */
function assume(holds: boolean, what: string): void {
  if (!holds) {
    throw new Error(
      `${what}. createExpressServer (libs/platform/service-runtime/src/express-server.ts) relies on it: read app.handle in express/lib/application.js ` +
        'and app.request/app.response in express/lib/express.js, then adapt the server or drop it after measuring again (decision 0009).',
    );
  }
}

async function withService(app: express.Express, run: (listening: { server: Server; port: number }) => Promise<void>): Promise<void> {
  const running = await runService({
    service: 'probe',
    listeners: [{ name: 'internal', port: 0, host: '127.0.0.1', app }],
    logger: createLogger('probe', 'silent'),
    stop: [],
  });
  try {
    await run(running.servers[0]);
  } finally {
    await running.shutdown('test finished');
  }
}

describe('the HTTP server a service runs', () => {
  it("builds requests and responses with the app's prototypes, so Express does not swap them per request, and Express works as before", async () => {
    const app = express();
    app.get('/orders/:id', (req, res) => {
      res.locals.seen = req.get('x-shop');
      res.status(201).json({ id: req.params.id, path: req.path, shop: res.locals.seen, sameApp: req.app === app });
    });
    await withService(app, async ({ server, port }) => {
      // Runs before the app sees the request, that is before Express would set any prototype.
      const prototypes: Array<{ request: boolean; response: boolean; plainRequest: boolean }> = [];
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        prototypes.push({
          request: Object.getPrototypeOf(req) === app.request,
          response: Object.getPrototypeOf(res) === app.response,
          plainRequest: req instanceof IncomingMessage,
        });
      });
      const response = await fetch(`http://127.0.0.1:${port}/orders/1234567890123456789`, { headers: { 'x-shop': 'shop.myshopify.com' } });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({
        id: '1234567890123456789',
        path: '/orders/1234567890123456789',
        shop: 'shop.myshopify.com',
        sameApp: true,
      });
      expect(prototypes).toEqual([{ request: true, response: true, plainRequest: true }]);
    });
  });
});

describe('what the server assumes of Express and node:http (an upgrade that changes it fails here)', () => {
  it("Express's per-app prototypes inherit node:http's, so objects built on them are whole requests and responses", () => {
    const app = express();
    assume(app.request instanceof IncomingMessage, "app.request no longer inherits from node:http's IncomingMessage.prototype");
    assume(app.response instanceof ServerResponse, "app.response no longer inherits from node:http's ServerResponse.prototype");
    // The server reads them once, when it is created.
    assume(app.request === app.request && app.response === app.response, 'app.request or app.response is a new object on every read');
  });

  it("node:http's IncomingMessage and ServerResponse initialise an object of another prototype when applied to it", () => {
    const app = express();
    const socket = new Socket();
    try {
      const request = Object.create(app.request) as IncomingMessage;
      const applied = (constructor: unknown, target: object, args: unknown[]): boolean => {
        try {
          Reflect.apply(constructor as (...args: unknown[]) => void, target, args);
          return true;
        } catch {
          return false;
        }
      };
      assume(
        applied(IncomingMessage, request, [socket]) && request.socket === socket && typeof request.headers === 'object',
        'IncomingMessage can no longer be applied to an object (is it a class now?)',
      );
      const response = Object.create(app.response) as ServerResponse;
      assume(
        applied(ServerResponse, response, [request, {}]) && response.req === request && response.statusCode === 200,
        'ServerResponse can no longer be applied to an object (is it a class now?)',
      );
    } finally {
      socket.destroy();
    }
  });

  it("Express sets each request's and response's prototype to app.request and app.response, which they already have", async () => {
    const app = express();
    const handled: Array<{ req: object; res: object }> = [];
    app.get('/probe', (req, res) => {
      handled.push({ req, res });
      res.sendStatus(204);
    });
    const setPrototypeOf = Object.setPrototypeOf;
    const swaps: Array<{ target: object; from: object | null; to: object | null }> = [];
    const spy = jest.spyOn(Object, 'setPrototypeOf').mockImplementation((target: object, prototype: object | null) => {
      swaps.push({ target, from: Object.getPrototypeOf(target) as object | null, to: prototype });
      return setPrototypeOf(target, prototype);
    });
    try {
      await withService(app, async ({ port }) => {
        expect((await fetch(`http://127.0.0.1:${port}/probe`)).status).toBe(204);
      });
    } finally {
      spy.mockRestore();
    }
    expect(handled).toHaveLength(1);
    const [{ req, res }] = handled;
    const requestSwaps = swaps.filter((swap) => swap.target === req);
    const responseSwaps = swaps.filter((swap) => swap.target === res);
    assume(
      requestSwaps.some((swap) => swap.to === app.request) && responseSwaps.some((swap) => swap.to === app.response),
      "Express no longer sets a request's prototype to app.request and its response's to app.response: the swap the server forestalls may be gone",
    );
    assume(
      [...requestSwaps, ...responseSwaps].every((swap) => swap.from === swap.to),
      'Express gave a request or response a prototype other than the one the server built it with, so the per-request swap (and its garbage) is back',
    );
  });
});
