import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { Kafka } from 'kafkajs';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { events, RawWebhookArchived, TopicDefinition } from '@consign/contracts';
import { createServiceHttp, hashApiKey } from '@consign/service-runtime';
import { createKafka, EventCodec, EventPublisher, provisionTopics } from '@consign/kafka';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { readFixture, readTopic, testEndpoints } from '@consign/test-support';
import { DeliveryStore } from '../intake/delivery-store';
import { GatewayMetrics } from '../intake/gateway-metrics';
import { WebhookIntake } from '../intake/webhook-intake';
import { WebhookReplay } from '../replay/webhook-replay';
import { GatewayDatabase, openGatewayDatabase } from '../testing/gateway-database';
import { signedShopifyOrderHeaders } from '../testing/signed-deliveries';
import { signSvixBody } from '../svix/svix-signature';
import { createAdminRouter } from './admin-router';
import { maxReplayDeliveries } from './replay-request';
import { WebhookAdmission } from './webhook-admission';
import { createWebhookRouter } from './webhook-router';

/**
 * The admin API against real PostgreSQL, Kafka and registry. Live deliveries go through the real
 * webhook router with Kafka unreachable, so they land in the spool exactly as they would have been
 * published (raw archive record and event record) without touching the platform's topics; replays
 * publish to this suite's own topics.
 */
const endpoints = testEndpoints();
const adminKey = 'test-admin-key';
const tenant: Tenant = {
  id: 'replay-store',
  shopDomain: 'replay-store.myshopify.com',
  shopifyWebhookSecrets: ['shopify-secret'],
  clerkInstanceIds: ['ins_123'],
  clerkSigningSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
};
const testTopics = new Map<string, TopicDefinition>(
  [events.shopifyOrderCreated.topic, events.clerkUserCreated.topic].map((topic) => [topic.name, { ...topic, name: `test.replay.${topic.name}.${randomUUID()}` }]),
);
const testTopicOf = (definition: { topic: TopicDefinition }): TopicDefinition => testTopics.get(definition.topic.name) ?? { ...definition.topic, name: 'test.replay.unexpected' };

let database: GatewayDatabase;
let dataSource: DataSource;
let store: DeliveryStore;
let kafka: Kafka;
let codec: EventCodec;
let publisher: EventPublisher;
/** A publisher whose broker never answers: Kafka down. */
let unreachable: EventPublisher;
let gateway: Server;
let kafkaDownGateway: Server;

function startApp(replay: WebhookReplay, withWebhooks: boolean): Promise<Server> {
  const logger = pino({ level: 'silent' });
  const http = createServiceHttp({ service: 'gateway-test', logger, readiness: [] });
  const intake = new WebhookIntake({ store, publisher: unreachable, publishTimeoutMs: 200 });
  if (withWebhooks) {
    http.app.use(
      createWebhookRouter({
        tenants: new TenantDirectory([tenant]),
        intake,
        codec,
        logger,
        metrics: new GatewayMetrics(new Registry(), () => store.spoolDepth()),
        bodyLimitBytes: 1024 * 1024,
        admission: new WebhookAdmission(100),
        trustedProxies: [],
        allowlists: { shopify: [], clerk: [] },
        svixToleranceSeconds: 300,
      }),
    );
  }
  http.app.use(createAdminRouter({ store, intake, replay, apiKeyHashes: [hashApiKey(adminKey)] }));
  http.finish();
  return new Promise((resolve) => {
    const server = http.app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function urlOf(server: Server, path: string): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

const asAdmin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };

beforeAll(async () => {
  database = await openGatewayDatabase('consign_gateway_admin_test');
  dataSource = database.dataSource;
  store = new DeliveryStore(dataSource);
  kafka = createKafka({ clientId: 'gateway-admin-test', brokers: endpoints.kafkaBrokers });
  await provisionTopics(kafka, [...testTopics.values()]);
  codec = new EventCodec(endpoints.schemaRegistryUrl);
  await codec.register([events.shopifyOrderCreated, events.clerkUserCreated, events.rawWebhookArchived]);
  publisher = new EventPublisher(kafka, codec);
  unreachable = new EventPublisher(createKafka({ clientId: 'gateway-admin-test-down', brokers: ['127.0.0.1:1'] }), codec);
  const tenants = new TenantDirectory([tenant]);
  gateway = await startApp(new WebhookReplay({ tenants, codec, publisher, store, publishTimeoutMs: 10_000, topicOf: testTopicOf }), true);
  kafkaDownGateway = await startApp(new WebhookReplay({ tenants, codec, publisher: unreachable, store, publishTimeoutMs: 300, topicOf: testTopicOf }), false);
});

afterAll(async () => {
  await new Promise((resolve) => gateway?.close(resolve));
  await new Promise((resolve) => kafkaDownGateway?.close(resolve));
  await publisher?.disconnect();
  await unreachable?.disconnect().catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...testTopics.values()].map((topic) => topic.name) });
  await admin.disconnect();
  await database?.drop();
});

/** What the live endpoint made of a delivery: the archived raw webhook and the event, as spooled for Kafka. */
async function liveDelivery(deliveryKey: string): Promise<{ archived: RawWebhookArchived; event: { key: string; value: unknown } }> {
  const spooled = (await store.oldestSpooled(100)).find((row) => row.deliveryKey === deliveryKey);
  if (!spooled) throw new Error(`${deliveryKey} was not spooled`);
  const [raw, event] = spooled.records;
  return {
    archived: (await codec.decode<RawWebhookArchived>(Buffer.from(raw.value, 'base64'))).value,
    event: { key: event.key, value: (await codec.decode(Buffer.from(event.value, 'base64'))).value },
  };
}

async function receiveShopifyOrder(): Promise<{ deliveryKey: string; webhookId: string }> {
  const body = readFixture('shopify/orders-create.json');
  const webhookId = randomUUID();
  const response = await fetch(urlOf(gateway, '/webhooks/shopify/order'), {
    method: 'POST',
    body,
    headers: signedShopifyOrderHeaders(tenant, body, webhookId),
  });
  expect(await response.json()).toMatchObject({ status: 'spooled' });
  return { deliveryKey: `shopify:${tenant.shopDomain}:${webhookId}`, webhookId };
}

async function receiveClerkUser(): Promise<{ deliveryKey: string }> {
  const body = readFixture('clerk/user-created.json');
  const svixId = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(urlOf(gateway, '/webhooks/clerk/user'), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'svix-id': svixId, 'svix-timestamp': String(timestamp), 'svix-signature': signSvixBody(body, tenant.clerkSigningSecrets[0], svixId, timestamp) },
  });
  expect(await response.json()).toMatchObject({ status: 'spooled' });
  return { deliveryKey: `clerk:${tenant.id}:${svixId}` };
}

/** The replay request for an archived delivery, as an operator tool builds it from the raw archive. */
function replayItem(archived: RawWebhookArchived): Record<string, unknown> {
  return {
    source: archived.source,
    deliveryId: archived.deliveryId,
    topic: archived.topic,
    tenantId: archived.metadata.tenantId,
    receivedAt: new Date(archived.metadata.receivedAt).toISOString(),
    headers: archived.headers,
    bodyBase64: Buffer.from(archived.body).toString('base64'),
    correlationId: archived.metadata.correlationId,
  };
}

async function replay(server: Server, deliveries: unknown[], headers: Record<string, string> = asAdmin): Promise<Response> {
  return fetch(urlOf(server, '/admin/webhooks/replay'), { method: 'POST', headers, body: JSON.stringify({ deliveries }) });
}

interface ReplayAnswer {
  results: Array<{ deliveryId: string; status: string; eventIds: string[]; publishedTo: Array<{ topic: string; partition: number; offset: string }>; error?: { code: string } }>;
}

describe('POST /admin/webhooks/replay', () => {
  it('publishes archived deliveries again through the live mapping: equal events, same ids, marked as replays; a delivery that no longer maps fails alone', async () => {
    const shopify = await liveDelivery((await receiveShopifyOrder()).deliveryKey);
    const clerk = await liveDelivery((await receiveClerkUser()).deliveryKey);
    const unsupported = { ...replayItem(shopify.archived), deliveryId: randomUUID(), topic: 'orders/fulfilled' };
    const malformed = { ...replayItem(shopify.archived), deliveryId: randomUUID(), bodyBase64: Buffer.from('{"id":').toString('base64') };
    const unknownTenant = { ...replayItem(clerk.archived), tenantId: 'no-such-store' };

    const response = await replay(gateway, [replayItem(shopify.archived), unsupported, replayItem(clerk.archived), malformed, unknownTenant]);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as ReplayAnswer;
    const shopifyEventId = (shopify.event.value as { metadata: { eventId: string } }).metadata.eventId;
    const clerkEventId = (clerk.event.value as { metadata: { eventId: string } }).metadata.eventId;
    expect(results.map((result) => [result.deliveryId, result.status, result.eventIds, result.error?.code])).toEqual([
      [shopify.archived.deliveryId, 'published', [shopifyEventId], undefined],
      [unsupported.deliveryId, 'failed', [], 'shopify.topic_not_supported'],
      [clerk.archived.deliveryId, 'published', [clerkEventId], undefined],
      [malformed.deliveryId, 'failed', [], 'webhook.malformed_json'],
      [clerk.archived.deliveryId, 'failed', [], 'tenant.unknown'],
    ]);

    await Promise.all(
      [
        [shopify, results[0]],
        [clerk, results[2]],
      ].map(async ([live, result]) => {
        const { archived, event } = live as typeof shopify;
        const [landed] = (result as ReplayAnswer['results'][number]).publishedTo;
        const [record] = await readTopic(endpoints.kafkaBrokers, landed.topic, 1);
        expect({ partition: record.partition, offset: record.offset }).toEqual({ partition: landed.partition, offset: landed.offset });
        expect(record.key).toBe(event.key);
        expect((await codec.decode(record.value)).value).toEqual(event.value);
        expect(record.headers).toMatchObject({ 'replayed-by': 'admin', 'replay-of': archived.deliveryId });
      }),
    );
    expect(results[0].publishedTo[0].topic).toBe(testTopics.get('shopify.orders.v1')?.name);
    expect(results[2].publishedTo[0].topic).toBe(testTopics.get('clerk.users.v1')?.name);
  });

  it('publishes a delivery again on every replay, with no dedupe, and counts the replays on its delivery record', async () => {
    const { deliveryKey, webhookId } = await receiveShopifyOrder();
    const { archived } = await liveDelivery(deliveryKey);
    const first = (await (await replay(gateway, [replayItem(archived)])).json()) as ReplayAnswer;
    const second = (await (await replay(gateway, [replayItem(archived)])).json()) as ReplayAnswer;
    expect(second.results[0].eventIds).toEqual(first.results[0].eventIds);
    expect(second.results[0].publishedTo[0]).not.toEqual(first.results[0].publishedTo[0]);
    const lookup = (await (await fetch(urlOf(gateway, `/admin/deliveries/${webhookId}`), { headers: asAdmin })).json()) as { deliveries: Array<{ replayCount: number; subjectId: string }> };
    expect(lookup.deliveries).toEqual([expect.objectContaining({ replayCount: 2, subjectId: '820982911946154500' })]);
  });

  it('answers 503 and reports nothing as published while Kafka does not acknowledge', async () => {
    const { deliveryKey } = await receiveShopifyOrder();
    const response = await replay(kafkaDownGateway, [replayItem((await liveDelivery(deliveryKey)).archived)]);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 503, code: 'gateway.replay_unavailable', retriable: true });
    expect((await store.find(deliveryKey))[0].replayCount).toBe(0);
  });

  it('refuses a malformed request with a problem naming the field', async () => {
    const valid = { source: 'shopify', deliveryId: 'd1', topic: 'orders/create', tenantId: tenant.id, receivedAt: '2026-01-01T00:00:00Z', headers: {}, bodyBase64: 'e30=' };
    for (const [deliveries, field] of [
      [[], 'deliveries'],
      [Array.from({ length: maxReplayDeliveries + 1 }, () => valid), 'deliveries'],
      [[{ ...valid, source: 'stripe' }], 'deliveries[0].source'],
      [[valid, { ...valid, receivedAt: 'yesterday' }], 'deliveries[1].receivedAt'],
      [[{ ...valid, headers: { 'x-shopify-topic': 1 } }], 'deliveries[0].headers'],
      [[{ ...valid, bodyBase64: 'not base64!' }], 'deliveries[0].bodyBase64'],
      [[{ ...valid, deliveryId: '' }], 'deliveries[0].deliveryId'],
    ] as const) {
      const response = await replay(gateway, [...deliveries]);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ code: 'admin.invalid_replay_request', field });
    }
  });

  it('requires the admin API key', async () => {
    const response = await replay(gateway, [{}], { 'content-type': 'application/json', 'x-api-key': 'wrong-key' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'admin.unauthorized' });
  });
});

describe('GET /admin/deliveries?subjectId=', () => {
  it('lists the deliveries about one order, each in the same view as a lookup by id', async () => {
    const { webhookId } = await receiveShopifyOrder();
    const bySubject = (await (await fetch(urlOf(gateway, '/admin/deliveries?subjectId=820982911946154500'), { headers: asAdmin })).json()) as {
      deliveries: Array<{ deliveryId: string }>;
    };
    const byId = (await (await fetch(urlOf(gateway, `/admin/deliveries/${webhookId}`), { headers: asAdmin })).json()) as { deliveries: unknown[] };
    expect(bySubject.deliveries.length).toBeGreaterThanOrEqual(1);
    expect(bySubject.deliveries.find((delivery) => delivery.deliveryId === webhookId)).toEqual(byId.deliveries[0]);
    expect(await (await fetch(urlOf(gateway, '/admin/deliveries?subjectId=1'), { headers: asAdmin })).json()).toEqual({ deliveries: [] });
  });

  it('refuses a lookup without a filter, and without the admin key', async () => {
    const unfiltered = await fetch(urlOf(gateway, '/admin/deliveries'), { headers: asAdmin });
    expect(unfiltered.status).toBe(400);
    expect(unfiltered.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await unfiltered.json()).toMatchObject({ code: 'admin.filter_required', status: 400 });
    const anonymous = await fetch(urlOf(gateway, '/admin/deliveries?subjectId=820982911946154500'));
    expect(anonymous.status).toBe(401);
  });
});
