import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { Admin, Kafka } from 'kafkajs';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { events, RawWebhookArchived, TopicDefinition } from '@consign/contracts';
import { ApiKeyring, createServiceHttp, hashApiKey } from '@consign/service-runtime';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection, provisionTopics } from '@consign/kafka';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { readFixture, readTopic, testEndpoints } from '@consign/test-support';
import { developmentKeyEncryptionKeys } from '@consign/personal-data';
import {
  ArchiveSealing,
  DeliveryHistory,
  DeliveryStore,
  GatewayMetrics,
  WebhookIntake,
  ArchivePosition,
  WebhookArchive,
  WebhookReplay,
  signSvixBody,
  createAdminRouter,
  maxReplayDeliveries,
  WebhookAdmission,
  createWebhookRouter,
} from '@consign/webhook-gateway';
import { GatewayDatabase, openGatewayDatabase } from '../support/gateway-database';
import { signedShopifyOrderHeaders } from '../support/signed-deliveries';

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
  [events.shopifyOrderCreated.topic, events.clerkUserCreated.topic, events.rawWebhookArchived.topic].map((topic) => [
    topic.name,
    { ...topic, name: `test.replay.${topic.name}.${randomUUID()}` },
  ]),
);
const testTopicOf = (definition: { topic: TopicDefinition }): TopicDefinition =>
  testTopics.get(definition.topic.name) ?? { ...definition.topic, name: 'test.replay.unexpected' };

let database: GatewayDatabase;
let dataSource: DataSource;
let store: DeliveryStore;
let history: DeliveryHistory;
let kafka: Kafka;
let codec: EventCodec;
let publisher: EventPublisher;
/** A publisher whose broker never answers: Kafka down. */
let unreachable: EventPublisher;
let gateway: Server;
let kafkaDownGateway: Server;
/** This suite's raw archive, where replays read. */
let archive: WebhookArchive;
let archiveAdmin: Admin;
let sealing: ArchiveSealing;

function startApp(replay: WebhookReplay, withWebhooks: boolean): Promise<Server> {
  const logger = pino({ level: 'silent' });
  const http = createServiceHttp({
    service: 'gateway-test',
    logger,
    readiness: [],
    apiKeys: new ApiKeyring([{ name: 'ops', sha256: hashApiKey(adminKey), scopes: ['admin'] }]),
  });
  const intake = new WebhookIntake({ store, publisher: unreachable, publishTimeoutMs: 200 });
  if (withWebhooks) {
    http.app.use(
      createWebhookRouter({
        tenants: new TenantDirectory([tenant]),
        intake,
        codec,
        logger,
        metrics: new GatewayMetrics(new Registry(), () => store.spoolBacklog()),
        bodyLimitBytes: 1024 * 1024,
        admission: new WebhookAdmission(100, 100),
        trustedProxies: [],
        allowlists: { shopify: [], clerk: [] },
        svixToleranceSeconds: 300,
        archiveSealing: sealing,
        history,
      }),
    );
  }
  http.app.use(createAdminRouter({ store, intake, history, replay, archive, guard: http.guard }));
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
  history = new DeliveryHistory(dataSource);
  kafka = createKafka({ clientId: 'gateway-admin-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
  await provisionTopics(kafka, [...testTopics.values()]);
  codec = new EventCodec(endpoints.schemaRegistryUrl);
  await codec.register([events.shopifyOrderCreated, events.clerkUserCreated, events.clerkUserDeleted, events.rawWebhookArchived]);
  publisher = new EventPublisher(kafka, codec);
  unreachable = new EventPublisher(
    createKafka({ clientId: 'gateway-admin-test-down', connection: plainKafkaConnection(['127.0.0.1:1']) }),
    codec,
  );
  const tenants = new TenantDirectory([tenant]);
  archiveAdmin = kafka.admin();
  await archiveAdmin.connect();
  sealing = new ArchiveSealing(dataSource, developmentKeyEncryptionKeys);
  archive = new WebhookArchive(kafka, archiveAdmin, codec, sealing, testTopicOf(events.rawWebhookArchived).name);
  gateway = await startApp(new WebhookReplay({ tenants, codec, publisher, store, publishTimeoutMs: 10_000, topicOf: testTopicOf }), true);
  kafkaDownGateway = await startApp(
    new WebhookReplay({ tenants, codec, publisher: unreachable, store, publishTimeoutMs: 300, topicOf: testTopicOf }),
    false,
  );
});

afterAll(async () => {
  await history?.stop();
  await archiveAdmin?.disconnect();
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

async function receiveClerkUser(
  body = readFixture('clerk/user-created.json'),
  path = '/webhooks/clerk/user',
): Promise<{ deliveryKey: string }> {
  const svixId = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(urlOf(gateway, path), {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': svixId,
      'svix-timestamp': String(timestamp),
      'svix-signature': signSvixBody(body, tenant.clerkSigningSecrets[0], svixId, timestamp),
    },
  });
  expect(await response.json()).toMatchObject({ status: 'spooled' });
  return { deliveryKey: `clerk:${tenant.id}:${svixId}` };
}

/** Writes a delivery to this suite's raw archive, as the gateway archives one; its position there. */
async function archived(delivery: RawWebhookArchived): Promise<ArchivePosition> {
  const landed = await publisher.publishRaw(testTopicOf(events.rawWebhookArchived), {
    key: delivery.deliveryId,
    value: await codec.encode(events.rawWebhookArchived, delivery),
  });
  return { partition: landed.partition, offset: landed.offset };
}

async function replay(server: Server, positions: unknown[], headers: Record<string, string> = asAdmin): Promise<Response> {
  return fetch(urlOf(server, '/admin/webhooks/replay'), { method: 'POST', headers, body: JSON.stringify({ archived: positions }) });
}

interface ReplayAnswer {
  results: Array<{
    archivedAt: ArchivePosition;
    deliveryId: string | null;
    status: string;
    eventIds: string[];
    publishedTo: Array<{ topic: string; partition: number; offset: string }>;
    error?: { code: string };
  }>;
}

describe('POST /admin/webhooks/replay', () => {
  it('publishes archived deliveries again through the live mapping: equal events, same ids, marked as replays; a delivery that no longer maps fails alone', async () => {
    const shopify = await liveDelivery((await receiveShopifyOrder()).deliveryKey);
    const clerk = await liveDelivery((await receiveClerkUser()).deliveryKey);
    // Archived deliveries that no longer map: a topic since dropped, a body the mapping now refuses, a tenant since removed.
    const unsupported = { ...shopify.archived, deliveryId: randomUUID(), topic: 'orders/fulfilled' };
    // Plain, as archived before bodies were sealed.
    const malformed = { ...shopify.archived, deliveryId: randomUUID(), body: Buffer.from('{"id":'), bodySealedFor: null };
    const unknownTenant = { ...clerk.archived, metadata: { ...clerk.archived.metadata, tenantId: 'no-such-store' } };

    const positions = [
      await archived(shopify.archived),
      await archived(unsupported),
      await archived(clerk.archived),
      await archived(malformed),
      await archived(unknownTenant),
    ];
    const response = await replay(gateway, positions);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as ReplayAnswer;
    const shopifyEventId = (shopify.event.value as { metadata: { eventId: string } }).metadata.eventId;
    const clerkEventId = (clerk.event.value as { metadata: { eventId: string } }).metadata.eventId;
    expect(results.map((result) => result.archivedAt)).toEqual(positions);
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
    const position = await archived((await liveDelivery(deliveryKey)).archived);
    const first = (await (await replay(gateway, [position])).json()) as ReplayAnswer;
    const second = (await (await replay(gateway, [position])).json()) as ReplayAnswer;
    expect(second.results[0].eventIds).toEqual(first.results[0].eventIds);
    expect(second.results[0].publishedTo[0]).not.toEqual(first.results[0].publishedTo[0]);
    const lookup = (await (await fetch(urlOf(gateway, `/admin/deliveries/${webhookId}`), { headers: asAdmin })).json()) as {
      deliveries: Array<{ replayCount: number; subjectId: string }>;
    };
    expect(lookup.deliveries).toEqual([expect.objectContaining({ replayCount: 2, subjectId: '820982911946154500' })]);
  });

  it('answers 503 and reports nothing as published while Kafka does not acknowledge', async () => {
    const { deliveryKey } = await receiveShopifyOrder();
    const response = await replay(kafkaDownGateway, [await archived((await liveDelivery(deliveryKey)).archived)]);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 503, code: 'gateway.replay_unavailable', retriable: true });
    expect((await store.find(deliveryKey))[0].replayCount).toBe(0);
  });

  it('publishes nothing it did not archive: a body from the caller is refused, and a position without an archived delivery fails alone', async () => {
    const forged = {
      source: 'shopify',
      deliveryId: 'd1',
      topic: 'orders/create',
      tenantId: tenant.id,
      receivedAt: '2026-01-01T00:00:00Z',
      headers: {},
      bodyBase64: Buffer.from('{"id":1}').toString('base64'),
    };
    const refused = await fetch(urlOf(gateway, '/admin/webhooks/replay'), {
      method: 'POST',
      headers: asAdmin,
      body: JSON.stringify({ deliveries: [forged] }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'admin.invalid_replay_request', field: 'archived' });

    // An event that is not an archived delivery, written to the archive topic by someone else, and an offset past the end.
    const shopify = await liveDelivery((await receiveShopifyOrder()).deliveryKey);
    const notADelivery = await publisher.publishRaw(testTopicOf(events.rawWebhookArchived), {
      key: 'x',
      value: await codec.encode(events.shopifyOrderCreated, shopify.event.value as never),
    });
    const good = await archived(shopify.archived);
    const response = await replay(gateway, [
      { partition: notADelivery.partition, offset: notADelivery.offset },
      { partition: good.partition, offset: '999999999' },
      good,
    ]);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as ReplayAnswer;
    expect(results.map((result) => [result.deliveryId, result.status, result.error?.code])).toEqual([
      [null, 'failed', 'replay.not_archived'],
      [null, 'failed', 'replay.not_archived'],
      [shopify.archived.deliveryId, 'published', undefined],
    ]);
  });

  it("keeps archived bodies sealed; a deleted Clerk user's cannot be replayed any more, while the deletion and others' still can", async () => {
    const userId = `user_${randomUUID().replace(/-/g, '')}`;
    const created = Buffer.from(
      readFixture('clerk/user-created.json').toString('utf8').replaceAll('user_29w83sxmDNGwOuEthce5gg56FcC', userId),
    );
    const clerk = await liveDelivery((await receiveClerkUser(created)).deliveryKey);
    const shopify = await liveDelivery((await receiveShopifyOrder()).deliveryKey);
    expect(clerk.archived.bodySealedFor).toBe(`clerk-user:${userId}`);
    expect(shopify.archived.bodySealedFor).toBe(`shopify-store:${tenant.id}`);
    for (const {
      archived: { body },
    } of [clerk, shopify]) {
      expect(Buffer.from(body).includes('example@example.org')).toBe(false);
      expect(Buffer.from(body).includes('"id"')).toBe(false);
    }
    const altered = { ...shopify.archived, deliveryId: randomUUID(), body: Buffer.from(shopify.archived.body).fill(7, 60, 80) };
    const beforeDeletion = [await archived(clerk.archived), await archived(shopify.archived), await archived(altered)];
    const before = (await (await replay(gateway, beforeDeletion)).json()) as ReplayAnswer;
    expect(before.results.map((result) => [result.status, result.error?.code])).toEqual([
      ['published', undefined],
      ['published', undefined],
      ['failed', 'replay.not_archived'],
    ]);

    const deletion = Buffer.from(
      JSON.stringify({
        data: { deleted: true, id: userId, object: 'user' },
        instance_id: 'ins_123',
        object: 'event',
        timestamp: Date.now(),
        type: 'user.deleted',
      }),
    );
    const deleted = await liveDelivery((await receiveClerkUser(deletion, '/webhooks/clerk')).deliveryKey);
    expect(deleted.archived.bodySealedFor).toBeNull();
    expect(
      (
        await dataSource.query('SELECT erased_at IS NOT NULL AS erased FROM personal_data_keys WHERE subject = $1', [
          `clerk-user:${userId}`,
        ])
      )[0],
    ).toEqual({ erased: true });

    // A signup redelivered after the deletion: nothing about the person is archived again.
    const redelivered = await liveDelivery((await receiveClerkUser(created)).deliveryKey);
    expect(redelivered.archived).toMatchObject({ bodySealedFor: `clerk-user:${userId}`, body: Buffer.alloc(0) });

    const afterDeletion = [beforeDeletion[0], beforeDeletion[1], await archived(deleted.archived)];
    const response = await replay(gateway, afterDeletion);
    expect(response.status).toBe(200);
    const after = (await response.json()) as ReplayAnswer;
    expect(after.results.map((result) => [result.status, result.error?.code])).toEqual([
      ['failed', 'replay.erased'],
      ['published', undefined],
      ['published', undefined],
    ]);
  });

  it('refuses a malformed request with a problem naming the field', async () => {
    const valid = { partition: 0, offset: '0' };
    for (const [positions, field] of [
      [[], 'archived'],
      [Array.from({ length: maxReplayDeliveries + 1 }, () => valid), 'archived'],
      [[{ ...valid, partition: -1 }], 'archived[0].partition'],
      [[valid, { ...valid, offset: 'latest' }], 'archived[1].offset'],
      [[{ ...valid, offset: 7 }], 'archived[0].offset'],
      [['0:0'], 'archived[0]'],
    ] as const) {
      const response = await replay(gateway, [...positions]);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ code: 'admin.invalid_replay_request', field });
    }
  });

  it('requires the admin API key', async () => {
    const response = await replay(gateway, [{}], { 'content-type': 'application/json', 'x-api-key': 'wrong-key' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'api.unauthorized' });
  });
});

describe('GET /admin/deliveries?subjectId=', () => {
  it('lists the deliveries about one order, each in the same view as a lookup by id', async () => {
    const { webhookId } = await receiveShopifyOrder();
    const bySubject = (await (
      await fetch(urlOf(gateway, '/admin/deliveries?subjectId=820982911946154500'), { headers: asAdmin })
    ).json()) as {
      deliveries: Array<{ deliveryId: string }>;
    };
    const byId = (await (await fetch(urlOf(gateway, `/admin/deliveries/${webhookId}`), { headers: asAdmin })).json()) as {
      deliveries: unknown[];
    };
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

interface HistoryAnswer {
  deliveries: Array<{
    id: string;
    source: string;
    tenantId: string | null;
    topic: string | null;
    deliveryId: string | null;
    subjectId: string | null;
    outcome: string;
    reason: string | null;
    detail: string | null;
    httpStatus: number;
    sourceAddress: string;
    headers: Record<string, string>;
    publishedTo: unknown;
  }>;
  nextCursor: string | null;
}

async function searchHistory(
  query: Record<string, string>,
  headers: Record<string, string> = asAdmin,
): Promise<{ status: number; body: HistoryAnswer & { code?: string; parameter?: string } }> {
  const response = await fetch(urlOf(gateway, `/admin/delivery-history?${new URLSearchParams(query).toString()}`), { headers });
  return { status: response.status, body: (await response.json()) as HistoryAnswer & { code?: string } };
}

describe('GET /admin/delivery-history', () => {
  it("keeps every answered request, refused ones with their reason, with the sender's address and its headers without secrets, never the body", async () => {
    const from = new Date().toISOString();
    const { webhookId } = await receiveShopifyOrder();
    const body = readFixture('shopify/orders-create.json');
    // The same delivery again, then one with a wrong signature, then one from a shop nobody configured.
    await fetch(urlOf(gateway, '/webhooks/shopify/order'), {
      method: 'POST',
      body,
      headers: signedShopifyOrderHeaders(tenant, body, webhookId),
    });
    const forged = randomUUID();
    const forgedAnswer = await fetch(urlOf(gateway, '/webhooks/shopify/order'), {
      method: 'POST',
      body,
      headers: { ...signedShopifyOrderHeaders(tenant, body, forged), 'x-shopify-hmac-sha256': 'bm90IHRoZSBzaWduYXR1cmU=' },
    });
    expect(forgedAnswer.status).toBe(401);
    const stranger = randomUUID();
    await fetch(urlOf(gateway, '/webhooks/shopify/order'), {
      method: 'POST',
      body,
      headers: { ...signedShopifyOrderHeaders(tenant, body, stranger), 'x-shopify-shop-domain': 'nobody.myshopify.com' },
    });

    const accepted = await searchHistory({ deliveryId: webhookId });
    expect(accepted.status).toBe(200);
    expect(
      accepted.body.deliveries.map((entry) => [entry.outcome, entry.httpStatus, entry.subjectId, entry.tenantId, entry.topic]),
    ).toEqual([
      ['duplicate', 200, '820982911946154500', tenant.id, 'orders/create'],
      ['spooled', 200, '820982911946154500', tenant.id, 'orders/create'],
    ]);
    const [refused] = (await searchHistory({ deliveryId: forged })).body.deliveries;
    expect(refused).toMatchObject({
      outcome: 'rejected',
      reason: 'shopify.signature_invalid',
      httpStatus: 401,
      tenantId: tenant.id,
      topic: 'orders/create',
      sourceAddress: '127.0.0.1',
      subjectId: null,
    });
    expect(refused.detail).toMatch(/does not match/);
    expect(refused.headers).toMatchObject({
      'x-shopify-webhook-id': forged,
      'x-shopify-shop-domain': tenant.shopDomain,
      'content-type': 'application/json',
    });
    expect(Object.keys(refused.headers)).not.toContain('x-shopify-hmac-sha256');
    expect(JSON.stringify(refused)).not.toContain('bm90IHRoZSBzaWduYXR1cmU=');
    expect(JSON.stringify(refused)).not.toContain('Mid-century lounger');
    expect((await searchHistory({ deliveryId: stranger })).body.deliveries).toEqual([
      expect.objectContaining({ outcome: 'rejected', reason: 'shopify.unknown_shop', tenantId: null }),
    ]);

    const rejectedSince = await searchHistory({ from, outcome: 'rejected', reason: 'shopify.signature_invalid' });
    expect(rejectedSince.body.deliveries.map((entry) => entry.deliveryId)).toEqual([forged]);
    expect((await searchHistory({ from, source: 'clerk' })).body.deliveries).toEqual([]);
    expect(
      (await searchHistory({ from, tenant: tenant.id, outcome: 'spooled', subject: '820982911946154500' })).body.deliveries.map(
        (entry) => entry.deliveryId,
      ),
    ).toEqual([webhookId]);
    expect((await searchHistory({ from, topic: 'orders/create' })).body.deliveries).toHaveLength(4);
    expect((await searchHistory({ from, to: from })).status).toBe(400);
    expect((await searchHistory({ to: from, deliveryId: webhookId })).body.deliveries).toEqual([]);
  });

  it('records a Clerk delivery under its user, without its signature', async () => {
    const { deliveryKey } = await receiveClerkUser();
    const svixId = deliveryKey.split(':').at(-1) as string;
    const [entry] = (await searchHistory({ deliveryId: svixId, source: 'clerk' })).body.deliveries;
    expect(entry).toMatchObject({
      source: 'clerk',
      tenantId: tenant.id,
      topic: 'user.created',
      outcome: 'spooled',
      subjectId: 'user_29w83sxmDNGwOuEthce5gg56FcC',
    });
    expect(Object.keys(entry.headers)).toEqual(expect.arrayContaining(['svix-id', 'svix-timestamp']));
    expect(Object.keys(entry.headers)).not.toContain('svix-signature');
  });

  it('refuses an unknown or malformed filter with a 400 naming it, and anyone without the admin key', async () => {
    for (const [query, parameter] of [
      [{ outcom: 'rejected' }, 'outcom'],
      [{ outcome: 'lost' }, 'outcome'],
      [{ source: 'stripe' }, 'source'],
      [{ from: 'yesterday' }, 'from'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ cursor: 'bm9wZQ' }, 'cursor'],
      [{ outcome: 'published', reason: 'shopify.signature_invalid' }, 'reason'],
    ] as Array<[Record<string, string>, string]>) {
      const answer = await searchHistory(query);
      expect({ query, status: answer.status, code: answer.body.code, parameter: answer.body.parameter }).toEqual({
        query,
        status: 400,
        code: 'admin.filter_invalid',
        parameter,
      });
    }
    expect((await searchHistory({}, {})).status).toBe(401);
    expect((await searchHistory({}, { authorization: 'Bearer wrong' })).status).toBe(401);
  });
});
