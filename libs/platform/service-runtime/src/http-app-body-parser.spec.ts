import express from 'express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createLogger, createPublicHttp } from './index';

/** How the problem handler answers what Express' body parsers refuse: always a 4xx for the request's own faults. */
describe('body parser refusals', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const http = createPublicHttp({ service: 'probe', logger: createLogger('probe', 'silent'), readiness: [], metrics: new Registry() });
    http.app.post('/json', express.json(), (_req, res) => {
      res.json({ ok: true });
    });
    http.app.post('/form', express.urlencoded({ parameterLimit: 1 }), (_req, res) => {
      res.json({ ok: true });
    });
    http.finish();
    server = http.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ['malformed JSON', '/json', 'application/json', '{"a":', 400, 'http.malformed_body'],
    ['a charset other than UTF-8', '/json', 'application/json; charset=latin1', '{}', 415, 'http.unsupported_charset'],
    ['any other refusal, under its own status', '/form', 'application/x-www-form-urlencoded', 'a=1&b=2', 413, 'http.request_invalid'],
  ])('answers %s with a 4xx and its own code', async (_name, path, contentType, body, status, code) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ status, code, retriable: false });
  });
});
