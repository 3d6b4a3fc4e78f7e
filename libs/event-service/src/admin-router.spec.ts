import { Server } from 'node:http';
import { createLogger, createServiceHttp, hashApiKey } from '@consign/service-runtime';
import { createEventServiceAdminRouter, EventServiceAdmin, RecordToProcess } from './admin-router';

describe('event service admin API', () => {
  let server: Server;
  let base: string;
  let consuming = true;
  const processed: RecordToProcess[] = [];
  const admin: EventServiceAdmin = {
    apiKeyHashes: [hashApiKey('ops-key')],
    consuming: () => consuming,
    stopConsuming: async () => {
      consuming = false;
    },
    startConsuming: async () => {
      consuming = true;
    },
    process: async (record) => {
      processed.push(record);
      return { outcome: 'applied', eventId: 'e-1', eventType: 'shopify.order.created' };
    },
  };
  const post = (path: string, body?: unknown, key = 'ops-key') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    const http = createServiceHttp({ service: 'admin-test', logger: createLogger('admin-test', 'silent'), readiness: [] });
    http.app.use(createEventServiceAdminRouter(admin));
    http.finish();
    server = await new Promise<Server>((resolve) => {
      const listening = http.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses requests without a valid key', async () => {
    const response = await post('/admin/consumer/stop', undefined, 'wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'admin.unauthorized' });
    expect(consuming).toBe(true);
  });

  it('stops and starts the consumer', async () => {
    expect(await (await post('/admin/consumer/stop')).json()).toEqual({ consuming: false });
    expect(consuming).toBe(false);
    expect(await (await post('/admin/consumer/start')).json()).toEqual({ consuming: true });
  });

  it('passes one record, decoded from base64, to the service and answers its outcome', async () => {
    const response = await post('/admin/events/process', { topic: 'shopify.orders.v1', partition: 2, offset: '41', key: '820982911946154508', valueBase64: Buffer.from([0, 0, 0, 0, 7]).toString('base64'), headers: { 'event-type': 'x' } });
    expect(await response.json()).toEqual({ outcome: 'applied', eventId: 'e-1', eventType: 'shopify.order.created' });
    expect(processed).toEqual([{ topic: 'shopify.orders.v1', partition: 2, offset: '41', key: '820982911946154508', value: Buffer.from([0, 0, 0, 0, 7]), headers: { 'event-type': 'x' } }]);
  });

  it.each([
    [{ partition: 0, offset: '1', valueBase64: 'AA==' }, 'topic'],
    [{ topic: 't', partition: -1, offset: '1', valueBase64: 'AA==' }, 'partition'],
    [{ topic: 't', partition: 0, offset: 'one', valueBase64: 'AA==' }, 'offset'],
    [{ topic: 't', partition: 0, offset: '1' }, 'valueBase64'],
  ])('answers a malformed record %j with 400 naming %s', async (body, field) => {
    const response = await post('/admin/events/process', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'admin.invalid_record', field });
  });
});
