import express from 'express';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, runService } from './index';

describe('the HTTP server a service runs', () => {
  it("builds requests and responses with the app's prototypes, so Express does not swap them per request, and Express works as before", async () => {
    const app = express();
    app.get('/orders/:id', (req, res) => {
      res.locals.seen = req.get('x-shop');
      res.status(201).json({ id: req.params.id, path: req.path, shop: res.locals.seen, sameApp: req.app === app });
    });
    const running = await runService({ service: 'probe', listeners: [{ name: 'internal', port: 0, host: '127.0.0.1', app }], logger: createLogger('probe', 'silent'), stop: [] });
    const [{ server, port }] = running.servers;
    // Runs before the app sees the request, that is before Express would set any prototype.
    const prototypes: Array<{ request: boolean; response: boolean; plainRequest: boolean }> = [];
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      prototypes.push({ request: Object.getPrototypeOf(req) === app.request, response: Object.getPrototypeOf(res) === app.response, plainRequest: req instanceof IncomingMessage });
    });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/orders/1234567890123456789`, { headers: { 'x-shop': 'shop.myshopify.com' } });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: '1234567890123456789', path: '/orders/1234567890123456789', shop: 'shop.myshopify.com', sameApp: true });
      expect(prototypes).toEqual([{ request: true, response: true, plainRequest: true }]);
    } finally {
      await running.shutdown('test finished');
    }
  });
});
