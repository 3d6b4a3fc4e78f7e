import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { AdminCall, ApiKeyring, auditAdminCalls, createLogger, createServiceHttp, hashApiKey } from './index';

describe('the audit of admin calls', () => {
  const calls: AdminCall[] = [];
  const logged: Array<Record<string, unknown>> = [];
  let failRecording = false;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const logger = createLogger(
      'probe',
      'info',
      new Writable({
        write: (chunk: Buffer, _encoding, done) => (logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()),
      }),
    );
    const http = createServiceHttp({
      service: 'probe',
      logger,
      readiness: [],
      apiKeys: new ApiKeyring([
        { name: 'alice', sha256: hashApiKey('alice-key'), scopes: ['admin'] },
        { name: 'reader', sha256: hashApiKey('reader-key'), scopes: ['read'] },
      ]),
    });
    http.app.use(
      '/admin',
      auditAdminCalls(async (call) => {
        if (failRecording) throw new Error('broker unreachable');
        calls.push(call);
      }, logger),
    );
    const admin = express.Router();
    admin.use('/admin', http.guard('admin'));
    admin.post('/admin/things/:id/stop', express.json(), (_req, res) => {
      res.json({ stopped: true });
    });
    admin.post('/admin/things/:id/break', () => {
      throw Object.assign(new Error('no'), { type: 'entity.parse.failed' });
    });
    http.app.use(admin);
    http.finish();
    server = http.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (path: string, key?: string, body: unknown = { reason: 'maintenance' }) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
  const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('records who called which route with which parameters, and how it ended, refused calls included', async () => {
    calls.length = 0;
    await post('/admin/things/7/stop?force=1', 'alice-key');
    await post('/admin/things/7/stop', 'reader-key');
    await post('/admin/things/7/stop');
    await post('/admin/things/8/break', 'alice-key');
    await settled();
    expect(
      calls.map(({ actor, action, parameters, outcome, status, error }) => ({ actor, action, parameters, outcome, status, error })),
    ).toEqual([
      {
        actor: 'api-key:alice',
        action: 'POST /admin/things/:id/stop',
        parameters: { path: '/admin/things/7/stop', query: { force: '1' }, body: { reason: 'maintenance' } },
        outcome: 'succeeded',
        status: 200,
        error: null,
      },
      {
        actor: 'api-key:reader',
        action: 'POST /admin/things/7/stop',
        parameters: expect.objectContaining({ path: '/admin/things/7/stop' }),
        outcome: 'refused',
        status: 403,
        error: 'api.forbidden',
      },
      {
        actor: 'unauthenticated',
        action: 'POST /admin/things/7/stop',
        parameters: expect.objectContaining({ path: '/admin/things/7/stop' }),
        outcome: 'refused',
        status: 401,
        error: 'api.unauthorized',
      },
      {
        actor: 'api-key:alice',
        action: 'POST /admin/things/:id/break',
        parameters: expect.objectContaining({ path: '/admin/things/8/break' }),
        outcome: 'failed',
        status: 400,
        error: 'http.malformed_body',
      },
    ]);
    expect(calls.every((call) => call.finishedAt >= call.startedAt && typeof call.requestId === 'string')).toBe(true);
  });

  it('cuts a large body, and never records the key', async () => {
    calls.length = 0;
    await post('/admin/things/7/stop', 'alice-key', { note: 'x'.repeat(10_000) });
    await settled();
    expect(JSON.stringify(calls[0].parameters.body).length).toBeLessThan(4200);
    expect(JSON.stringify(calls)).not.toContain('alice-key');
  });

  it('logs the whole record when it cannot be written, so a gap in the audit log shows', async () => {
    failRecording = true;
    try {
      await post('/admin/things/9/stop', 'alice-key');
      await settled();
    } finally {
      failRecording = false;
    }
    const line = logged.find((entry) => entry.msg === 'admin call not recorded in the audit log');
    expect(line).toMatchObject({
      level: 'error',
      err: 'broker unreachable',
      call: { actor: 'api-key:alice', action: 'POST /admin/things/:id/stop', outcome: 'succeeded' },
    });
  });
});
