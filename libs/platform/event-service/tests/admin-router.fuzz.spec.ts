import { PlatformError } from '@consign/errors';
import { fuzzApi, FuzzTally, startGuardedServer, TestServer } from '@consign/test-support';
import { createEventServiceAdminRouter, RecordPosition } from '../src/admin-router';

/**
 * The event service admin API behind the real key check, with stand-in consumer actions: generated
 * requests never get a 5xx, nothing without a key, and only well-formed positions reach the service.
 */
const runs = 120;
const tally = new FuzzTally();
const startedAt = Date.now();
const processed: RecordPosition[] = [];
let consuming = true;
let server: TestServer;

beforeAll(async () => {
  server = await startGuardedServer('fuzz-service', (http) =>
    http.app.use(
      createEventServiceAdminRouter({
        guard: http.guard,
        consuming: () => consuming,
        stopConsuming: async () => {
          consuming = false;
        },
        startConsuming: async () => {
          consuming = true;
        },
        // As the service: a record of a topic it does not consume is refused, any other is processed.
        process: async (position) => {
          if (position.topic !== 'shopify.orders.v1')
            throw new PlatformError(`not consumed: ${position.topic}`, {
              code: 'admin.topic_not_consumed',
              category: 'invalid',
              httpStatus: 400,
            });
          processed.push(position);
          return { outcome: 'applied', eventId: 'e-1', eventType: 'shopify.order.created', processed: position };
        },
      }),
    ),
  );
});

afterAll(async () => {
  await server?.close();
  console.log(tally.summary('event service admin API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  const position = { topic: 'shopify.orders.v1', partition: 0, offset: '41' };
  await fuzzApi(
    tally,
    'event-service-admin',
    server.base,
    {
      scopes: ['admin'],
      routes: [
        { method: 'POST', path: '/admin/consumer/stop' },
        { method: 'POST', path: '/admin/consumer/start' },
        {
          method: 'POST',
          path: '/admin/events/process',
          body: { samples: [position, { ...position, topic: 'webhooks.raw.v1', partition: 3 }] },
        },
      ],
    },
    runs,
  );
  expect(tally.count('event-service-admin')).toBeGreaterThanOrEqual(runs);
  for (const { topic, partition, offset } of processed) {
    expect(topic).toBe('shopify.orders.v1');
    expect(Number.isInteger(partition) && partition >= 0).toBe(true);
    expect(offset).toMatch(/^\d{1,19}$/);
  }
}, 60_000);
