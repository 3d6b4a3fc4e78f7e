import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { Type } from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { developmentKeyEncryptionKeys, openBytesWithDataKey, unwrapDataKey } from '@consign/personal-data';
import { ensureInfraUp, stopInfra } from '@consign/infra-local';
import {
  developmentClerkSecret,
  shopifySignature,
  svixSignature,
  freePort,
  PrivatePostgres,
  readFixture,
  readTopic,
  runToCompletion,
  ServiceProcess,
  startPrivatePostgres,
  startServiceProcess,
  testEndpoints,
  waitFor,
} from '@consign/test-support';

/**
 * The gateway as its own process against the real Kafka and registry, with its own PostgreSQL
 * cluster (so that a test can stop it). Requests are signed here, independently of the gateway's
 * code, the way Shopify and Svix sign them.
 */
const gatewayScript = join(__dirname, '../../../dist/apps/gateway/main.js');
const endpoints = testEndpoints();
const kafka = new Kafka({ clientId: 'gateway-e2e', brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING });
const tenants = [
  {
    id: 'dev-store',
    shopDomain: 'shop.myshopify.com',
    shopifyWebhookSecrets: ['test_secret_key', 'previous_secret'],
    clerkInstanceIds: ['ins_123', 'ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S'],
    clerkSigningSecrets: [developmentClerkSecret],
    currency: 'USD',
  },
  {
    id: 'other-store',
    shopDomain: 'other.myshopify.com',
    shopifyWebhookSecrets: ['other_secret'],
    clerkInstanceIds: [],
    clerkSigningSecrets: [],
    currency: 'EUR',
  },
];

let postgres: PrivatePostgres;
let gateway: ServiceProcess;
let baseUrl: string;
/** The gateway's internal listener: /admin and /metrics. */
let internalUrl: string;
let gatewayEnv: Record<string, string>;

interface Delivery {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

function shopifyDelivery(path: string, topic: string, body: Buffer, headers: Record<string, string> = {}): Delivery {
  return {
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': 'shop.myshopify.com',
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': shopifySignature(body),
      ...headers,
    },
  };
}

function clerkDelivery(path: string, body: Buffer, headers: Record<string, string> = {}): Delivery {
  const id = `msg_${randomUUID().replace(/-/g, '')}`;
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(timestamp),
      'svix-signature': svixSignature(body, id, timestamp),
      ...headers,
    },
  };
}

async function send(delivery: Delivery): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${baseUrl}${delivery.path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

async function totalRecords(topicNames: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topicNames)
      total += (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
    return total;
  } finally {
    await admin.disconnect();
  }
}

/** Every record of `topic` whose metadata carries one of `eventIds`, decoded with its writer schema. */
async function eventsOnTopic(
  topic: string,
  eventIds: string[],
): Promise<Array<Record<string, unknown> & { metadata: { eventId: string } }>> {
  const records = await readTopic(endpoints.kafkaBrokers, topic, await totalRecords([topic]));
  const schemas = new Map<number, Type>();
  const decoded = [];
  for (const record of records) {
    const id = record.value.readInt32BE(1);
    if (!schemas.has(id)) {
      const { schema } = (await (await fetch(`${endpoints.schemaRegistryUrl}/schemas/ids/${id}`)).json()) as { schema: string };
      schemas.set(id, Type.forSchema(JSON.parse(schema)));
    }
    const value = schemas.get(id)?.fromBuffer(record.value.subarray(5)) as Record<string, unknown> & { metadata: { eventId: string } };
    if (eventIds.includes(value.metadata.eventId)) decoded.push(value);
  }
  return decoded;
}

/** Kafka answers metadata before its group coordinator has loaded: wait for the coordinator too, so later tests find a whole broker. */
async function restartKafka(): Promise<void> {
  await ensureInfraUp({ parts: ['kafka'] });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      'the Kafka group coordinator',
      async () => {
        await admin.fetchOffsets({ groupId: `coordinator-probe-${randomUUID()}`, topics: ['shopify.orders.v1'] });
        return true;
      },
      60_000,
      500,
    );
  } finally {
    await admin.disconnect();
  }
}

async function startGateway(): Promise<ServiceProcess> {
  const started = startServiceProcess(gatewayScript, [], gatewayEnv);
  try {
    // Its schemas found, it can make a webhook durable, on Kafka or in the spool; Kafka may be down here.
    await waitFor(
      'the gateway to have its schemas',
      async () => {
        const answer = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
        const body = (await answer?.json().catch(() => undefined)) as { checks?: Array<{ name: string; ok: boolean }> } | undefined;
        return body?.checks?.some((check) => check.name === 'schemas' && check.ok) ? true : undefined;
      },
      45_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- gateway output ---\n${started.output()}`);
  }
  return started;
}

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  const port = await freePort();
  const internalPort = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  internalUrl = `http://127.0.0.1:${internalPort}`;
  gatewayEnv = {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    GATEWAY_PORT: String(port),
    GATEWAY_INTERNAL_PORT: String(internalPort),
    GATEWAY_DATABASE_URL: postgres.url,
    TENANTS: JSON.stringify(tenants),
    GATEWAY_TRUSTED_PROXIES: '127.0.0.1/32, ::1/128',
    SHOPIFY_ALLOWED_IPS: '127.0.0.0/8, ::1/128',
    WEBHOOK_BODY_LIMIT_BYTES: String(256 * 1024),
    GATEWAY_PUBLISH_TIMEOUT: '1500ms',
    LOG_LEVEL: 'info',
    API_KEYS: JSON.stringify([
      { name: 'e2e-operator', sha256: createHash('sha256').update('e2e-admin-key').digest('hex'), scopes: ['admin', 'metrics'] },
    ]),
  };
  await runToCompletion(gatewayScript, ['migrate'], gatewayEnv);
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway?.stop();
  postgres?.destroy();
});

const shopifyCases: Array<[string, string, string, string]> = [
  ['shopify/orders-create.json', 'orders/create', '/webhooks/shopify/order', 'shopify.orders.v1'],
  ['shopify/orders-create.json', 'orders/updated', '/webhooks/shopify/order', 'shopify.orders.v1'],
  ['shopify/orders-create.json', 'orders/paid', '/webhooks/shopify/order', 'shopify.orders.v1'],
  ['shopify/orders-cancelled.json', 'orders/cancelled', '/webhooks/shopify/order/cancelled', 'shopify.orders.v1'],
  ['shopify/inventory-levels-update.json', 'inventory_levels/update', '/webhooks/shopify/inventory', 'shopify.inventory.v1'],
  ['shopify/products-create.json', 'products/create', '/webhooks/shopify/product', 'shopify.products.v1'],
  ['shopify/products-create.json', 'products/update', '/webhooks/shopify/product', 'shopify.products.v1'],
];

describe('gateway webhooks (real Kafka, registry and PostgreSQL)', () => {
  it.each(shopifyCases)(
    'accepts %s as %s on its own path and through the routing endpoint, one event each',
    async (fixture, topic, path, eventTopic) => {
      const body = readFixture(fixture);
      const ids: string[] = [];
      for (const target of [path, '/webhooks/shopify']) {
        const answer = await send(shopifyDelivery(target, topic, body));
        expect(answer.status).toBe(200);
        expect(answer.body.status).toBe('published');
        ids.push(String(answer.body.eventId));
      }
      const published = await eventsOnTopic(eventTopic, ids);
      expect(published.map((event) => event.metadata.eventId).sort()).toEqual([...ids].sort());
      const payload = JSON.parse(body.toString()) as { id?: number; inventory_item_id?: number };
      const idField = JSON.stringify(published[0]);
      expect(idField).toContain(String(payload.id ?? payload.inventory_item_id).slice(0, 15));
    },
  );

  it.each([
    ['clerk/user-created.json', '/webhooks/clerk/user'],
    ['clerk/user-updated.json', '/webhooks/clerk/user/updated'],
  ])('accepts %s on %s and through the routing endpoint', async (fixture, path) => {
    const body = readFixture(fixture);
    const ids: string[] = [];
    for (const target of [path, '/webhooks/clerk']) {
      const answer = await send(clerkDelivery(target, body));
      expect(answer.status).toBe(200);
      ids.push(String(answer.body.eventId));
    }
    const published = await eventsOnTopic('clerk.users.v1', ids);
    expect(published).toHaveLength(2);
    const userId = (JSON.parse(body.toString()) as { data: { id: string } }).data.id;
    expect(JSON.stringify(published[0])).toContain(userId);
  });

  it('accepts user.deleted through the routing endpoint only', async () => {
    const body = Buffer.from(
      JSON.stringify({
        data: { deleted: true, id: 'user_29w83sxmDNGwOuEthce5gg56FcC', object: 'user' },
        instance_id: 'ins_123',
        object: 'event',
        timestamp: Date.now(),
        type: 'user.deleted',
      }),
    );
    expect((await send(clerkDelivery('/webhooks/clerk', body))).status).toBe(200);
    const onWrongPath = await send(clerkDelivery('/webhooks/clerk/user', body));
    expect(onWrongPath.status).toBe(400);
    expect(onWrongPath.body.code).toBe('clerk.type_not_accepted');
  });

  it('keeps Shopify ids above 2^53 exact all the way to Kafka', async () => {
    const exact = Buffer.from(
      readFixture('shopify/orders-create.json')
        .toString()
        .replace(/"id":\s*820982911946154500\b/, '"id": 820982911946154508'),
    );
    expect(exact.toString()).toMatch(/"id":\s*820982911946154508\b/);
    const answer = await send(shopifyDelivery('/webhooks/shopify/order', 'orders/create', exact));
    expect(answer.status).toBe(200);
    const [event] = await eventsOnTopic('shopify.orders.v1', [String(answer.body.eventId)]);
    expect((event as unknown as { order: { id: string } }).order.id).toBe('820982911946154508');
  });

  it("archives the raw body, sealed under the store's key, and the non-secret headers of every accepted delivery", async () => {
    const delivery = shopifyDelivery(
      '/webhooks/shopify/inventory',
      'inventory_levels/update',
      readFixture('shopify/inventory-levels-update.json'),
    );
    const answer = await send(delivery);
    const eventId = String(answer.body.eventId);
    const [archived] = await eventsOnTopic('webhooks.raw.v1', [`${eventId}:raw:${delivery.headers['x-shopify-webhook-id']}`]);
    const record = archived as unknown as { body: Buffer; bodySealedFor: string; headers: Record<string, string>; deliveryId: string };
    expect(record.bodySealedFor).toBe(`shopify-store:${tenants[0].id}`);
    expect(record.body.includes('inventory_item_id')).toBe(false);
    // Opened with the key in the gateway's database, as a replay opens it: byte for byte.
    const keys = new Client({ connectionString: postgres.url });
    await keys.connect();
    try {
      const [row] = (await keys.query('SELECT kek_id, wrapped_key FROM personal_data_keys WHERE subject = $1', [record.bodySealedFor]))
        .rows as Array<{ kek_id: string; wrapped_key: Buffer }>;
      const dataKey = unwrapDataKey(
        { id: row.kek_id, key: developmentKeyEncryptionKeys.current.key },
        record.bodySealedFor,
        row.wrapped_key,
      );
      expect(openBytesWithDataKey(dataKey, record.body).equals(delivery.body)).toBe(true);
    } finally {
      await keys.end();
    }
    expect(record.deliveryId).toBe(delivery.headers['x-shopify-webhook-id']);
    expect(record.headers['x-shopify-topic']).toBe('inventory_levels/update');
    expect(record.headers['x-shopify-hmac-sha256']).toBeUndefined();
  });

  describe('refusals: status, problem body, nothing published', () => {
    const order = readFixture('shopify/orders-create.json');
    const stale = Math.floor(Date.now() / 1000) - 600;
    const cases: Array<[string, () => Delivery, number, string]> = [
      [
        'a missing signature',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', order, { 'x-shopify-hmac-sha256': '' }),
        401,
        'shopify.signature_invalid',
      ],
      [
        'a forged signature',
        () =>
          shopifyDelivery('/webhooks/shopify/order', 'orders/create', order, {
            'x-shopify-hmac-sha256': shopifySignature(order, 'guessed'),
          }),
        401,
        'shopify.signature_invalid',
      ],
      [
        'a rotated-out secret',
        () =>
          shopifyDelivery('/webhooks/shopify/order', 'orders/create', order, {
            'x-shopify-hmac-sha256': shopifySignature(order, 'retired_secret'),
          }),
        401,
        'shopify.signature_invalid',
      ],
      [
        'an unknown shop',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', order, { 'x-shopify-shop-domain': 'unknown.myshopify.com' }),
        401,
        'shopify.unknown_shop',
      ],
      [
        'a wrong content type',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', order, { 'content-type': 'text/plain' }),
        415,
        'http.unsupported_media_type',
      ],
      [
        'an oversized body',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', Buffer.alloc(300 * 1024, 0x20)),
        413,
        'http.body_too_large',
      ],
      [
        'malformed JSON',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', Buffer.from('{"id":')),
        400,
        'webhook.malformed_json',
      ],
      [
        'a missing required field',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', Buffer.from('{"name":"#1"}')),
        400,
        'webhook.invalid_field',
      ],
      [
        'a topic on the wrong path',
        () => shopifyDelivery('/webhooks/shopify/inventory', 'orders/create', order),
        400,
        'shopify.topic_not_accepted',
      ],
      [
        'an address outside the allowlist',
        () => shopifyDelivery('/webhooks/shopify/order', 'orders/create', order, { 'x-forwarded-for': '203.0.113.9' }),
        403,
        'gateway.address_not_allowed',
      ],
      [
        'a stale Svix timestamp',
        () => {
          const body = readFixture('clerk/user-created.json');
          return {
            path: '/webhooks/clerk/user',
            body,
            headers: {
              'content-type': 'application/json',
              'svix-id': 'msg_stale',
              'svix-timestamp': String(stale),
              'svix-signature': svixSignature(body, 'msg_stale', stale),
            },
          };
        },
        401,
        'svix.timestamp_out_of_tolerance',
      ],
      [
        'a forged Svix signature',
        () =>
          clerkDelivery('/webhooks/clerk/user', readFixture('clerk/user-created.json'), {
            'svix-signature': 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
          }),
        401,
        'svix.signature_invalid',
      ],
    ];
    it.each(cases)('refuses %s', async (_name, build, status, code) => {
      const before = await totalRecords(['shopify.orders.v1', 'shopify.inventory.v1', 'clerk.users.v1', 'webhooks.raw.v1']);
      const answer = await send(build());
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status, code });
      expect(typeof answer.body.detail).toBe('string');
      expect(await totalRecords(['shopify.orders.v1', 'shopify.inventory.v1', 'clerk.users.v1', 'webhooks.raw.v1'])).toBe(before);
    });
  });

  it('answers repeated deliveries without a second event, and one event per Shopify event id', async () => {
    const body = readFixture('shopify/orders-create.json');
    const first = shopifyDelivery('/webhooks/shopify/order', 'orders/create', body);
    const sameEventOtherDelivery = { ...first, headers: { ...first.headers, 'x-shopify-webhook-id': randomUUID() } };
    const before = await totalRecords(['shopify.orders.v1']);
    const answers = [await send(first), await send(first), await send(sameEventOtherDelivery)];
    expect(answers.map((answer) => answer.body.status)).toEqual(['published', 'duplicate', 'duplicate']);
    expect(new Set(answers.map((answer) => answer.body.eventId)).size).toBe(1);
    expect(await totalRecords(['shopify.orders.v1'])).toBe(before + 1);

    const unauthorised = await fetch(`${internalUrl}/admin/deliveries/${first.headers['x-shopify-webhook-id']}`, {
      headers: { authorization: 'Bearer wrong-key' },
    });
    expect(unauthorised.status).toBe(401);
    // The public listener serves webhooks only: no admin API, whatever the key.
    expect(
      (
        await fetch(`${baseUrl}/admin/deliveries/${first.headers['x-shopify-webhook-id']}`, {
          headers: { authorization: 'Bearer e2e-admin-key' },
        })
      ).status,
    ).toBe(404);
    const lookup = await fetch(`${internalUrl}/admin/deliveries/${sameEventOtherDelivery.headers['x-shopify-webhook-id']}`, {
      headers: { authorization: 'Bearer e2e-admin-key' },
    });
    expect(lookup.status).toBe(200);
    const { deliveries } = (await lookup.json()) as { deliveries: Array<Record<string, unknown>> };
    expect(deliveries).toEqual([
      expect.objectContaining({
        status: 'duplicate',
        duplicateOf: `shopify:shop.myshopify.com:${first.headers['x-shopify-webhook-id']}`,
        eventId: answers[0].body.eventId,
      }),
    ]);
    const original = (await (
      await fetch(`${internalUrl}/admin/deliveries/${first.headers['x-shopify-webhook-id']}`, { headers: { 'x-api-key': 'e2e-admin-key' } })
    ).json()) as {
      deliveries: Array<{ status: string; publishedTo: Array<{ topic: string; partition: number; offset: string }> }>;
    };
    expect(original.deliveries[0].status).toBe('published');
    expect(original.deliveries[0].publishedTo.map((record) => record.topic).sort()).toEqual(['shopify.orders.v1', 'webhooks.raw.v1']);
  });

  it('writes one structured access line per request, without secrets or personal data', async () => {
    const body = readFixture('clerk/user-created.json');
    const delivery = clerkDelivery('/webhooks/clerk/user', body);
    // A caller's trace context is continued: the line names the caller's trace.
    const callerTraceId = randomUUID().replace(/-/g, '');
    const answer = await send({
      ...delivery,
      headers: { ...delivery.headers, 'x-request-id': 'access-log-probe', traceparent: `00-${callerTraceId}-b7ad6b7169203331-01` },
    });
    expect(answer.status).toBe(200);
    const line = await waitFor('the access line', async () =>
      gateway
        .output()
        .split('\n')
        .filter((candidate) => candidate.includes('"requestId":"access-log-probe"'))
        .map((candidate) => JSON.parse(candidate) as Record<string, unknown>)
        .find((entry) => entry.msg === 'webhook request'),
    );
    expect(line).toMatchObject({
      source: 'clerk',
      tenant: 'dev-store',
      topic: 'user.created',
      outcome: 'published',
      status: 200,
      svixId: delivery.headers['svix-id'],
      trace_id: callerTraceId,
    });
    expect(typeof line.latencyMs).toBe('number');
    const everything = gateway.output();
    expect(everything).not.toContain(delivery.headers['svix-signature'].slice(3));
    expect(everything).not.toContain('example@example.org');
    expect(everything).not.toContain(developmentClerkSecret);
  });

  it('spools while Kafka is stopped, survives SIGKILL and a restart without Kafka, then publishes in arrival order', async () => {
    const body = readFixture('shopify/orders-create.json');
    const spooledIds: string[] = [];
    const deliverSpooled = async (count: number): Promise<void> => {
      for (let index = 0; index < count; index += 1) {
        const answer = await send(shopifyDelivery('/webhooks/shopify/order', 'orders/create', body));
        expect(answer.status).toBe(200);
        expect(answer.body.status).toBe('spooled');
        spooledIds.push(String(answer.body.eventId));
      }
    };
    await stopInfra(['kafka']);
    try {
      await deliverSpooled(6);
      await gateway.stop('SIGKILL');
      gateway = await startGateway();
      await deliverSpooled(3);
    } finally {
      await restartKafka();
    }
    const published = await waitFor(
      'the spooled deliveries on Kafka',
      async () => {
        const found = await eventsOnTopic('shopify.orders.v1', spooledIds);
        return found.length === spooledIds.length ? found : undefined;
      },
      90_000,
    );
    expect(published.map((event) => event.metadata.eventId)).toEqual(spooledIds);
    const after = await send(shopifyDelivery('/webhooks/shopify/order', 'orders/create', body));
    expect(after.body.status).toBe('published');
  }, 240_000);

  it('waits out a schema registry that does not answer at start, then serves', async () => {
    const registryPort = await freePort();
    const port = await freePort();
    const registry = new URL(endpoints.schemaRegistryUrl);
    const late = startServiceProcess(gatewayScript, [], {
      ...gatewayEnv,
      GATEWAY_PORT: String(port),
      GATEWAY_INTERNAL_PORT: '0',
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registryPort}${registry.pathname}`,
    });
    // The gateway's registry address answers only once this relay to the real registry listens.
    const relay = createServer((client) => {
      const upstream = createConnection(Number(registry.port), registry.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    try {
      await waitFor(
        'the gateway to report the registry unreachable',
        async () => (late.output().includes('cannot prepare the event schemas yet') ? true : undefined),
        30_000,
        100,
      );
      expect(late.child.exitCode).toBeNull();
      // Listening, and saying why it is not ready.
      const waiting = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(waiting.status).toBe(503);
      expect(await waiting.text()).toContain('event schemas');
      await new Promise<void>((resolve) => relay.listen(registryPort, '127.0.0.1', resolve));
      await waitFor(
        'the gateway to be ready',
        async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok ? true : undefined),
        45_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${late.output()}`);
      });
      const delivery = shopifyDelivery('/webhooks/shopify/order', 'orders/create', readFixture('shopify/orders-create.json'));
      const answer = await fetch(`http://127.0.0.1:${port}${delivery.path}`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(answer.status).toBe(200);
    } finally {
      await late.stop();
      await new Promise((resolve) => relay.close(resolve));
    }
  }, 120_000);

  it('answers 503 with Retry-After when neither Kafka nor its spool database is available', async () => {
    await stopInfra(['kafka']);
    postgres.stop();
    try {
      const answer = await send(shopifyDelivery('/webhooks/shopify/order', 'orders/create', readFixture('shopify/orders-create.json')));
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body).toMatchObject({ code: 'gateway.unavailable', retriable: true });
    } finally {
      postgres.start();
      await restartKafka();
    }
  }, 120_000);
});

describe('a gateway started outside development', () => {
  // The private PostgreSQL serves no TLS: production's default, verify-full, is turned off by name.
  const production = (env: Record<string, string>) => ({
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    SCHEMA_REGISTRY_TLS: 'disable',
    GATEWAY_DATABASE_URL: postgres.url,
    GATEWAY_DATABASE_TLS: 'disable',
    GATEWAY_PORT: '0',
    GATEWAY_INTERNAL_PORT: '0',
    ...env,
  });
  const key = JSON.stringify([{ name: 'ops', sha256: createHash('sha256').update('a-real-key').digest('hex'), scopes: ['admin'] }]);

  it.each(['prod', 'Production', ''])('refuses to start with NODE_ENV=%j and no tenants or keys, naming them', async (nodeEnv) => {
    const started = startServiceProcess(gatewayScript, [], production({ NODE_ENV: nodeEnv }));
    expect(await started.exited()).toBe(1);
    expect(started.output()).toMatch(/TENANTS: is required but not set[\s\S]*API_KEYS: is required but not set/);
  });

  it("refuses the development tenant's public secrets and the development key", async () => {
    const tenantsWithTestSecret = JSON.stringify([{ ...tenants[0], shopifyWebhookSecrets: ['test_secret_key'] }]);
    const developmentKey = JSON.stringify([
      { name: 'ops', sha256: createHash('sha256').update('dev-admin-key').digest('hex'), scopes: ['admin'] },
    ]);
    const started = startServiceProcess(
      gatewayScript,
      [],
      production({ NODE_ENV: 'prod', TENANTS: tenantsWithTestSecret, API_KEYS: developmentKey }),
    );
    expect(await started.exited()).toBe(1);
    expect(started.output()).toMatch(
      /TENANTS: tenant #0 \([^)]+\): shopifyWebhookSecrets holds a public test secret[\s\S]*API_KEYS: key #0 \(ops\): is the public development key/,
    );
    expect(started.output()).not.toContain('test_secret_key');
  });

  it('refuses to start without key-encryption keys of its own for the raw archive, naming the variable', async () => {
    const ownTenants = JSON.stringify([{ ...tenants[0], shopifyWebhookSecrets: ['a-secret-of-our-own'], clerkSigningSecrets: [] }]);
    const started = startServiceProcess(gatewayScript, [], production({ NODE_ENV: 'prod', TENANTS: ownTenants, API_KEYS: key }));
    expect(await started.exited()).toBe(1);
    expect(started.output()).toMatch(/PERSONAL_DATA_KEYS: is required but not set/);
  });

  it('starts with tenants, named keys and key-encryption keys of its own', async () => {
    const ownTenants = JSON.stringify([{ ...tenants[0], shopifyWebhookSecrets: ['a-secret-of-our-own'], clerkSigningSecrets: [] }]);
    const ownKeys = JSON.stringify([{ id: 'e2e', key: randomBytes(32).toString('base64') }]);
    const started = startServiceProcess(
      gatewayScript,
      [],
      production({
        NODE_ENV: 'prod',
        TENANTS: ownTenants,
        API_KEYS: key,
        PERSONAL_DATA_KEYS: ownKeys,
        TENANT_SECRETS_KEYS: JSON.stringify([{ id: 'e2e', key: randomBytes(32).toString('base64') }]),
      }),
    );
    try {
      await waitFor(
        'the production gateway to listen',
        async () => (started.output().includes('internal listener on') ? true : undefined),
        45_000,
      );
    } finally {
      await started.stop();
    }
  });
});
