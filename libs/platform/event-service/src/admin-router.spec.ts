import { Server } from 'node:http';
import { ApiKeyring, createLogger, createServiceHttp, hashApiKey } from '@consign/service-runtime';
import { createEventServiceAdminRouter, EventServiceAdmin, RecordPosition } from './admin-router';

describe('event service admin API', () => {
  let server: Server;
  let base: string;
  let consuming = true;
  const processed: RecordPosition[] = [];
  const keys = new ApiKeyring([
    { name: 'ops', sha256: hashApiKey('ops-key'), scopes: ['admin'] },
    { name: 'reader', sha256: hashApiKey('read-key'), scopes: ['read'] },
  ]);
  const http = createServiceHttp({ service: 'admin-test', logger: createLogger('admin-test', 'silent'), readiness: [], apiKeys: keys });
  const admin: EventServiceAdmin = {
    guard: http.guard,
    consuming: () => consuming,
    stopConsuming: async () => {
      consuming = false;
    },
    startConsuming: async () => {
      consuming = true;
    },
    process: async (position) => {
      processed.push(position);
      return { outcome: 'applied', eventId: 'e-1', eventType: 'shopify.order.created', processed: position };
    },
  };
  const post = (path: string, body?: unknown, key = 'ops-key') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    http.app.use(createEventServiceAdminRouter(admin));
    http.finish();
    server = await new Promise<Server>((resolve) => {
      const listening = http.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses requests without a valid key, and a key without the admin scope', async () => {
    const response = await post('/admin/consumer/stop', undefined, 'wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'api.unauthorized' });
    const reader = await post('/admin/consumer/stop', undefined, 'read-key');
    expect(reader.status).toBe(403);
    expect(await reader.json()).toMatchObject({ code: 'api.forbidden' });
    expect(consuming).toBe(true);
  });

  it('stops and starts the consumer', async () => {
    expect(await (await post('/admin/consumer/stop')).json()).toEqual({ consuming: false });
    expect(consuming).toBe(false);
    expect(await (await post('/admin/consumer/start')).json()).toEqual({ consuming: true });
  });

  it('passes the position of one record to the service, never bytes of the caller, and answers its outcome', async () => {
    const response = await post('/admin/events/process', {
      topic: 'shopify.orders.v1',
      partition: 2,
      offset: '41',
      valueBase64: Buffer.from([0, 0, 0, 0, 7]).toString('base64'),
    });
    expect(await response.json()).toEqual({
      outcome: 'applied',
      eventId: 'e-1',
      eventType: 'shopify.order.created',
      processed: { topic: 'shopify.orders.v1', partition: 2, offset: '41' },
    });
    expect(processed).toEqual([{ topic: 'shopify.orders.v1', partition: 2, offset: '41' }]);
  });

  it.each([
    [{ partition: 0, offset: '1' }, 'topic'],
    [{ topic: 'a topic', partition: 0, offset: '1' }, 'topic'],
    [{ topic: 't', partition: -1, offset: '1' }, 'partition'],
    [{ topic: 't', partition: 0, offset: 'one' }, 'offset'],
  ])('answers a malformed record %j with 400 naming %s', async (body, field) => {
    const response = await post('/admin/events/process', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'admin.invalid_record', field });
  });
});
