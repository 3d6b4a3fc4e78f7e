import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Admin, Kafka } from 'kafkajs';
import { events, TopicDefinition } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection, provisionTopics } from '@consign/kafka';
import { Tenant, TenantDirectory } from '@consign/tenants';
import {
  fuzzApi,
  FuzzTally,
  headerValue,
  hostileBody,
  jsonText,
  mutatedJson,
  readFixture,
  startGuardedServer,
  TestServer,
  testEndpoints,
} from '@consign/test-support';
import {
  DeliveryHistory,
  DeliveryStore,
  ArchivedDelivery,
  ArchivePosition,
  ArchiveRead,
  WebhookReplay,
  clerkTypeRoutes,
  shopifyTopicRoutes,
  createAdminRouter,
} from '@consign/webhook-gateway';
import { GatewayDatabase, openGatewayDatabase } from '../support/gateway-database';

/**
 * The gateway's admin API behind the real key check, over a real database holding a few delivery
 * records, real Kafka (replays publish to this suite's own topic) and a stand-in archive whose
 * content each request generates: fixtures with mutated fields, as a replay after a mapping change
 * would find them. Generated requests never get a 5xx, and nothing without a key.
 */
const runs = 150;
const tally = new FuzzTally();
const startedAt = Date.now();
const shop: Tenant = {
  id: 'fuzz-store',
  shopDomain: 'fuzz-store.myshopify.com',
  shopifyWebhookSecrets: ['fuzz-secret'],
  clerkInstanceIds: ['ins_123', 'ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S'],
  clerkSigningSecrets: [`whsec_${Buffer.from('fuzz-clerk').toString('base64')}`],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
};
const replayTopic: TopicDefinition = { ...events.shopifyOrderCreated.topic, name: `test.fuzz.replay.${randomUUID()}` };
const known = { deliveryId: 'known-webhook-id', subjectId: '820982911946154508' };

const fixtures: Array<{ source: 'shopify' | 'clerk'; file: string; topics: string[] }> = [
  { source: 'shopify', file: 'shopify/orders-create.json', topics: ['orders/create', 'orders/updated', 'orders/paid'] },
  { source: 'shopify', file: 'shopify/orders-cancelled.json', topics: ['orders/cancelled'] },
  { source: 'shopify', file: 'shopify/inventory-levels-update.json', topics: ['inventory_levels/update'] },
  { source: 'shopify', file: 'shopify/products-create.json', topics: ['products/create', 'products/update'] },
  { source: 'clerk', file: 'clerk/user-created.json', topics: ['user.created'] },
  { source: 'clerk', file: 'clerk/user-updated.json', topics: ['user.updated', 'user.deleted'] },
];

/** An archived delivery: a fixture of its topic, as it is or with mutated fields, under the archived headers a mapping reads. */
const archivedDelivery: fc.Arbitrary<ArchivedDelivery> = fc.constantFrom(...fixtures).chain(({ source, file, topics }) =>
  fc.record({
    source: fc.constant(source),
    deliveryId: fc.uuid(),
    topic: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...topics) }, { weight: 1, arbitrary: headerValue }),
    tenantId: fc.oneof({ weight: 8, arbitrary: fc.constant(shop.id) }, { weight: 1, arbitrary: headerValue }),
    receivedAt: fc.oneof(fc.constant(Date.parse('2026-03-01T10:00:00Z')), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    headers: fc.dictionary(
      fc.constantFrom('x-shopify-event-id', 'x-shopify-triggered-at', 'svix-timestamp', 'webhook-timestamp', 'content-type'),
      fc.oneof(fc.constantFrom('1772359200', '2026-03-01T10:00:00Z'), headerValue),
    ),
    body: fc.oneof(
      { weight: 3, arbitrary: fc.constant(readFixture(file)) },
      { weight: 6, arbitrary: mutatedJson(JSON.parse(readFixture(file).toString('utf8'))).map((value) => Buffer.from(jsonText(value))) },
      { weight: 1, arbitrary: hostileBody },
    ),
    correlationId: fc.uuid(),
  }),
);

let database: GatewayDatabase;
let kafka: Kafka;
let kafkaAdmin: Admin;
let publisher: EventPublisher;
let server: TestServer;
let history: DeliveryHistory;
/** What the stand-in archive holds, at partition 0 from offset 0: set before each request. */
let held: ArchivedDelivery[] = [];

const archive = {
  read: async (positions: readonly ArchivePosition[]): Promise<ArchiveRead[]> =>
    positions.map((position) => {
      const delivery = position.partition === 0 && /^\d+$/.test(position.offset) ? held[Number(position.offset)] : undefined;
      return delivery
        ? { position, delivery }
        : { position, error: new PlatformError('not archived', { code: 'replay.not_archived', category: 'invalid', httpStatus: 404 }) };
    }),
};

beforeAll(async () => {
  database = await openGatewayDatabase('consign_gateway_admin_fuzz');
  const store = new DeliveryStore(database.dataSource);
  await store.claimAll([
    {
      deliveryKey: `shopify:${shop.shopDomain}:${known.deliveryId}`,
      source: 'shopify',
      tenantId: shop.id,
      topic: 'orders/create',
      deliveryId: known.deliveryId,
      sourceEventId: null,
      eventId: randomUUID(),
      requestId: 'fuzz',
      subjectId: known.subjectId,
    },
  ]);
  kafka = createKafka({ clientId: 'gateway-admin-fuzz', connection: plainKafkaConnection(testEndpoints().kafkaBrokers) });
  await provisionTopics(kafka, [replayTopic]);
  kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
  // The events a replay can map to, as the live endpoints do.
  await codec.register([...Object.values(shopifyTopicRoutes), ...Object.values(clerkTypeRoutes)].map((route) => route.definition));
  publisher = new EventPublisher(kafka, codec);
  const replay = new WebhookReplay({
    tenants: new TenantDirectory([shop]),
    codec,
    publisher,
    store,
    publishTimeoutMs: 10_000,
    topicOf: () => replayTopic,
  });
  history = new DeliveryHistory(database.dataSource);
  history.record({
    requestId: 'fuzz',
    receivedAt: new Date(),
    source: 'shopify',
    tenantId: shop.id,
    topic: 'orders/create',
    deliveryId: known.deliveryId,
    deliveryKey: null,
    subjectId: known.subjectId,
    eventId: null,
    outcome: 'rejected',
    reason: 'shopify.signature_invalid',
    detail: null,
    httpStatus: 401,
    sourceAddress: '127.0.0.1',
    headers: {},
  });
  server = await startGuardedServer('gateway', (http) =>
    http.app.use(createAdminRouter({ store, intake: { recorded: async () => undefined }, history, replay, archive, guard: http.guard })),
  );
});

afterAll(async () => {
  await server?.close();
  await history?.stop();
  await publisher?.disconnect();
  await kafkaAdmin?.deleteTopics({ topics: [replayTopic.name] });
  await kafkaAdmin?.disconnect();
  await database?.drop();
  console.log(tally.summary('gateway admin API', startedAt));
});

it(`answers ${runs} generated requests without a server error or an unguarded answer`, async () => {
  await fuzzApi(
    tally,
    'gateway-admin',
    server.base,
    {
      scopes: ['admin'],
      routes: [
        { method: 'GET', path: '/admin/deliveries', query: ['subjectId'] },
        { method: 'GET', path: '/admin/deliveries/:id' },
        {
          method: 'GET',
          path: '/admin/delivery-history',
          query: ['from', 'to', 'source', 'tenant', 'topic', 'outcome', 'reason', 'subject', 'deliveryId', 'limit', 'cursor'],
        },
        {
          method: 'POST',
          path: '/admin/webhooks/replay',
          weight: 3,
          body: {
            samples: [
              { archived: [{ partition: 0, offset: '0' }] },
              {
                archived: [
                  { partition: 0, offset: '1' },
                  { partition: 0, offset: '0' },
                  { partition: 0, offset: '2' },
                ],
              },
            ],
          },
        },
      ],
      knownValues: {
        id: [known.deliveryId, `shopify:${shop.shopDomain}:${known.deliveryId}`],
        subjectId: [known.subjectId],
        subject: [known.subjectId],
        deliveryId: [known.deliveryId],
        source: ['shopify', 'clerk'],
        outcome: ['published', 'spooled', 'duplicate', 'rejected'],
        reason: ['shopify.signature_invalid'],
        tenant: [shop.id],
        from: ['2026-01-01T00:00:00Z'],
        limit: ['1', '500'],
      },
    },
    runs,
    { arbitrary: fc.array(archivedDelivery, { minLength: 1, maxLength: 3 }), arrange: (deliveries) => (held = deliveries) },
  );
  expect(tally.count('gateway-admin')).toBeGreaterThanOrEqual(runs);
}, 60_000);
