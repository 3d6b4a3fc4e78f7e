import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { PlatformError } from '@consign/errors';
import { ApiKeyring, createLogger, createPublicHttp, createServiceHttp, hashApiKey } from './index';

const keys = new ApiKeyring([
  { name: 'reader', sha256: hashApiKey('reader-key'), scopes: ['read'] },
  { name: 'scraper', sha256: hashApiKey('scraper-key'), scopes: ['metrics'] },
  { name: 'probe-admin', sha256: hashApiKey('probe-admin-key'), scopes: ['admin:probe'] },
  { name: 'other-admin', sha256: hashApiKey('other-admin-key'), scopes: ['admin:other-service', 'read:other-service'] },
]);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('service HTTP endpoints', () => {
  let server: Server;
  let base: string;
  let dependencyUp = true;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const http = createServiceHttp({
      service: 'probe',
      logger: createLogger('probe', 'info', sink),
      apiKeys: keys,
      readiness: [
        {
          name: 'dependency',
          check: async () => {
            if (!dependencyUp) throw new Error('connection refused');
          },
        },
      ],
    });
    http.app.get('/consignors/:id', http.guard('read'), (_req, res) => {
      res.json({ email: 'alice@example.com' });
    });
    http.app.post('/admin/consumer/stop', http.guard('admin'), (_req, res) => {
      res.json({ consuming: false });
    });
    http.app.get('/fail', () => {
      throw new PlatformError('the widget is missing', { code: 'widget.missing', category: 'invalid', details: { field: 'widget' } });
    });
    http.finish();
    server = http.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers /healthz, without an ETag', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok', service: 'probe' });
    expect(response.headers.get('etag')).toBeNull();
  });

  it('reports readiness per dependency', async () => {
    dependencyUp = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    dependencyUp = false;
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not_ready',
      service: 'probe',
      checks: [{ name: 'dependency', ok: false, error: 'connection refused' }],
    });
  });

  it('exposes Prometheus metrics to a key with the metrics scope only, with no label repeating the job', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: bearer('reader-key') })).status).toBe(403);
    const text = await (await fetch(`${base}/metrics`, { headers: bearer('scraper-key') })).text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).not.toContain('service="probe"');
    expect(text).toMatch(new RegExp(`^consign_build_info\\{version="[^"]+",revision="[^"]+",node_version="${process.version}"\\} 1$`, 'm'));
  });

  it('counts and times requests by listener, method, route pattern and status, never by id', async () => {
    await fetch(`${base}/consignors/c-42`, { headers: bearer('reader-key') });
    await fetch(`${base}/consignors/c-43`, { headers: bearer('reader-key') });
    await fetch(`${base}/consignors/c-44`);
    await fetch(`${base}/no/such/route/c-45`, { headers: bearer('reader-key') });
    const text = await (await fetch(`${base}/metrics`, { headers: bearer('scraper-key') })).text();
    expect(text).toMatch(/^consign_http_requests_total\{listener="internal",method="GET",route="\/consignors\/:id",status="200"\} 2$/m);
    expect(text).toMatch(/^consign_http_requests_total\{listener="internal",method="GET",route="\/consignors\/:id",status="401"\} 1$/m);
    expect(text).toMatch(/^consign_http_requests_total\{listener="internal",method="GET",route="unmatched",status="404"\} \d+$/m);
    expect(text).toMatch(
      /^consign_http_request_duration_seconds_count\{listener="internal",method="GET",route="\/consignors\/:id",status="200"\} 2$/m,
    );
    expect(text).not.toContain('c-42');
  });

  it('reports each readiness check as consign_ready', async () => {
    dependencyUp = false;
    // The gauge caches its checks for 5 s, so whatever an earlier scrape saw may still show: wait it out.
    await new Promise((resolve) => setTimeout(resolve, 5100));
    const down = await (await fetch(`${base}/metrics`, { headers: bearer('scraper-key') })).text();
    expect(down).toMatch(/^consign_ready\{check="dependency"\} 0$/m);
    dependencyUp = true;
    await new Promise((resolve) => setTimeout(resolve, 5100));
    const up = await (await fetch(`${base}/metrics`, { headers: bearer('scraper-key') })).text();
    expect(up).toMatch(/^consign_ready\{check="dependency"\} 1$/m);
  }, 20_000);

  it.each([
    ['no key', {}, 401, 'api.unauthorized'],
    ['an unknown key', bearer('guessed-key'), 401, 'api.unauthorized'],
    ['the hash of a key instead of the key', bearer(hashApiKey('reader-key')), 401, 'api.unauthorized'],
    ['a key without the read scope', bearer('scraper-key'), 403, 'api.forbidden'],
    ['a key with the read scope on another app only', bearer('other-admin-key'), 403, 'api.forbidden'],
  ])('refuses a read with %s', async (_case, headers, status, code) => {
    const response = await fetch(`${base}/consignors/c-1`, { headers });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code, status });
  });

  it('answers OPTIONS with 405 before anything else, so no route or method list shows without a key', async () => {
    for (const headers of [{}, bearer('reader-key')]) {
      const response = await fetch(`${base}/consignors/c-1`, { method: 'OPTIONS', headers });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBeNull();
      expect(await response.json()).toMatchObject({ code: 'http.method_not_allowed' });
    }
  });

  it('serves a read to a key with the read scope, X-Api-Key or Bearer', async () => {
    expect((await fetch(`${base}/consignors/c-1`, { headers: bearer('reader-key') })).status).toBe(200);
    expect((await fetch(`${base}/consignors/c-1`, { headers: { 'x-api-key': 'reader-key' } })).status).toBe(200);
  });

  it('serves admin to a key with the admin scope on this app, and not to a reader', async () => {
    expect((await fetch(`${base}/admin/consumer/stop`, { method: 'POST', headers: bearer('reader-key') })).status).toBe(403);
    expect((await fetch(`${base}/admin/consumer/stop`, { method: 'POST', headers: bearer('other-admin-key') })).status).toBe(403);
    expect((await fetch(`${base}/admin/consumer/stop`, { method: 'POST', headers: bearer('probe-admin-key') })).status).toBe(200);
  });

  it('logs each read and admin call with the key name and route pattern, never the key, the path or the query', async () => {
    logLines.length = 0;
    await fetch(`${base}/consignors/c-secret-id?email=alice%40example.com`, { headers: bearer('reader-key') });
    await fetch(`${base}/admin/consumer/stop`, { method: 'POST', headers: bearer('reader-key') });
    await fetch(`${base}/healthz`);
    const lines = logLines.filter((line) => line.msg === 'api request');
    expect(lines.map(({ method, route, status, caller }) => ({ method, route, status, caller }))).toEqual([
      { method: 'GET', route: '/consignors/:id', status: 200, caller: 'reader' },
      { method: 'POST', route: '/admin/consumer/stop', status: 403, caller: 'reader' },
    ]);
    const logged = JSON.stringify(logLines);
    for (const secret of ['reader-key', 'c-secret-id', 'alice', hashApiKey('reader-key')]) expect(logged).not.toContain(secret);
  });

  it('answers errors with a problem body and the request id', async () => {
    const response = await fetch(`${base}/fail`, { headers: { 'x-request-id': 'req-42' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      code: 'widget.missing',
      detail: 'the widget is missing',
      field: 'widget',
      requestId: 'req-42',
    });
  });

  it('answers unknown routes with 404 problem bodies', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'http.not_found', status: 404 });
  });

  // Found by fuzzing (GET /clients/%/earnings answered 500): the router's decoding error is the caller's fault.
  it.each(['%', '%E0%A4%A', '%zz'])('answers a path parameter that is not percent-decodable (%s) with 400, not 500', async (id) => {
    const response = await fetch(`${base}/consignors/${id}`, { headers: bearer('reader-key') });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'http.malformed_path', status: 400, retriable: false });
  });

  // Found by fuzzing (GET /clients/%00/earnings answered 500): PostgreSQL text cannot hold NUL.
  it.each(['/consignors/a%00b', '/consignors/a?status=%00', '/nowhere/%00'])('refuses a NUL character in %s with 400', async (path) => {
    const response = await fetch(`${base}${path}`, { headers: bearer('reader-key') });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'http.nul_in_url', status: 400 });
  });
});

describe('the public listener', () => {
  it('serves the health probes and what the app adds, and neither metrics nor anything else', async () => {
    const metrics = new Registry();
    const http = createPublicHttp({ service: 'probe', logger: createLogger('probe', 'silent'), readiness: [], metrics });
    http.app.post('/webhooks/:source', (_req, res) => {
      res.json({ ok: true });
    });
    http.finish();
    const server = http.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`, { headers: bearer('scraper-key') })).status).toBe(404);
      await fetch(`${base}/webhooks/shopify`, { method: 'POST' });
      // Counted in the registry the internal listener serves.
      expect(await metrics.metrics()).toMatch(
        /^consign_http_requests_total\{listener="public",method="POST",route="\/webhooks\/:source",status="200"\} 1$/m,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
