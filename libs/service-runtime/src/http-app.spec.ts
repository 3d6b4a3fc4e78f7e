import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { PlatformError } from '@consign/errors';
import { createLogger, createServiceHttp } from './index';

describe('service HTTP endpoints', () => {
  let server: Server;
  let base: string;
  let dependencyUp = true;

  beforeAll(async () => {
    const http = createServiceHttp({
      service: 'probe',
      logger: createLogger('probe', 'silent'),
      readiness: [
        {
          name: 'dependency',
          check: async () => {
            if (!dependencyUp) throw new Error('connection refused');
          },
        },
      ],
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

  it('exposes Prometheus metrics labelled with the service', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total{service="probe"}');
  });

  it('answers errors with a problem body and the request id', async () => {
    const response = await fetch(`${base}/fail`, { headers: { 'x-request-id': 'req-42' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'widget.missing', detail: 'the widget is missing', field: 'widget', requestId: 'req-42' });
  });

  it('answers unknown routes with 404 problem bodies', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'http.not_found', status: 404 });
  });
});
