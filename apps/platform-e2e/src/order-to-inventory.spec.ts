import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Type } from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  shopifySignature,
  createTemporaryDatabase,
  freePort,
  readFixture,
  runToCompletion,
  ServiceProcess,
  startServiceProcess,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
} from '@consign/test-support';

/**
 * The walking skeleton through the real stack: a signed Shopify orders/create delivery goes into
 * the gateway (its own process), onto Kafka as a Confluent-framed Avro record, and into
 * inventory-service's table (its own process, its own database).
 */
const dist = join(__dirname, '../../../dist/apps');
const endpoints = testEndpoints();
const subject = 'shopify.orders.v1-com.consignstream.events.shopify.ShopifyOrderCreated';
const orderBody = readFixture('shopify/orders-create.json');
// Computed by Shopify's algorithm over the fixture's exact bytes with the development secret (SIGNING.md).
const orderSignature = 'LhASbyzfcQqs9sV1T7LsKkmXJaXg98nKfC8zMSvi4vc=';

let database: TemporaryDatabase;
let gatewayDatabase: TemporaryDatabase;
let gateway: ServiceProcess;
let inventory: ServiceProcess;
let gatewayUrl: string;
let inventoryUrl: string;
const kafka = new Kafka({ clientId: 'platform-e2e', brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING });

function deliver(headers: Record<string, string>, body: Buffer = orderBody): Promise<Response> {
  return fetch(`${gatewayUrl}/webhooks/shopify/order`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'shop.myshopify.com',
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': orderSignature,
      ...headers,
    },
    body,
  });
}

async function topicEndOffsets(): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets('shopify.orders.v1');
    return offsets.map((partition) => `${partition.partition}:${partition.high}`).join(',');
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  database = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_inventory_e2e');
  gatewayDatabase = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_gateway_e2e');
  const [gatewayPort, inventoryPort] = [await freePort(), await freePort()];
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  inventoryUrl = `http://127.0.0.1:${inventoryPort}`;
  const shared = { KAFKA_BROKERS: endpoints.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl, LOG_LEVEL: 'info' };
  const inventoryEnv = {
    ...shared,
    INVENTORY_PORT: String(inventoryPort),
    INVENTORY_DATABASE_URL: database.url,
    INVENTORY_CONSUMER_GROUP: `inventory-e2e-${randomUUID()}`,
  };
  const gatewayEnv = { ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_DATABASE_URL: gatewayDatabase.url };
  await runToCompletion(join(dist, 'inventory-service/main.js'), ['migrate'], inventoryEnv);
  await runToCompletion(join(dist, 'gateway/main.js'), ['migrate'], gatewayEnv);
  gateway = startServiceProcess(join(dist, 'gateway/main.js'), [], gatewayEnv);
  inventory = startServiceProcess(join(dist, 'inventory-service/main.js'), [], inventoryEnv);
  try {
    await waitFor(
      'gateway and inventory-service to be ready',
      async () => {
        const answers = await Promise.all([fetch(`${gatewayUrl}/readyz`), fetch(`${inventoryUrl}/readyz`)]);
        return answers.every((answer) => answer.status === 200) ? true : undefined;
      },
      90_000,
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- gateway output ---\n${gateway.output()}\n--- inventory-service output ---\n${inventory.output()}`,
    );
  }
}, 150_000);

afterAll(async () => {
  await Promise.all([gateway?.stop(), inventory?.stop()]);
  await database?.drop();
  await gatewayDatabase?.drop();
});

describe('Shopify order webhook, end to end', () => {
  it('answers /healthz on both services', async () => {
    for (const url of [gatewayUrl, inventoryUrl]) {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
    }
  });

  it('publishes a Confluent-framed Avro event and inventory-service stores the order', async () => {
    const response = await deliver({});
    expect(response.status).toBe(200);
    const accepted = (await response.json()) as {
      status: string;
      eventId: string;
      publishedTo: Array<{ topic: string; partition: number; offset: string }>;
    };
    expect(accepted.status).toBe('published');
    const published = accepted.publishedTo.find((record) => record.topic === 'shopify.orders.v1');
    if (!published) throw new Error(`no record on shopify.orders.v1 in ${JSON.stringify(accepted.publishedTo)}`);

    // A new consumer group reads the whole order topic first: allow for what earlier tests published.
    // The fixture order may already be on the topic from earlier deliveries: the first one stored it,
    // and this event is recorded as processed without storing it twice.
    const row = await waitFor(
      'inventory-service to process the event and hold the order',
      async () => {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        try {
          const processed = await client.query('SELECT 1 FROM processed_events WHERE event_id = $1', [accepted.eventId]);
          if (processed.rowCount === 0) return undefined;
          const result = await client.query(
            `SELECT o.order_id, o.order_name, (SELECT count(*)::int FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.order_id) AS line_count,
                  o.total_minor, o.currency, o.tenant_id
           FROM orders o WHERE o.order_id = $1`,
            ['820982911946154500'],
          );
          return result.rows[0] as Record<string, unknown> | undefined;
        } finally {
          await client.end();
        }
      },
      100_000,
    );
    expect(row).toEqual({
      order_id: '820982911946154500',
      order_name: '#9999',
      line_count: 5,
      total_minor: '40495',
      currency: 'USD',
      tenant_id: 'dev-store',
    });

    const subjects = (await (await fetch(`${endpoints.schemaRegistryUrl}/subjects`)).json()) as string[];
    expect(subjects).toContain(subject);
    const compatibility = (await (await fetch(`${endpoints.schemaRegistryUrl}/config/${subject}`)).json()) as {
      compatibilityLevel: string;
    };
    expect(compatibility.compatibilityLevel).toBe('FULL_TRANSITIVE');

    const record = await readRecord(published.partition, published.offset);
    expect(record.value.readUInt8(0)).toBe(0);
    const schemaId = record.value.readInt32BE(1);
    const versions = (await (await fetch(`${endpoints.schemaRegistryUrl}/subjects/${subject}/versions`)).json()) as number[];
    const ids = await Promise.all(
      versions.map(
        async (version) =>
          ((await (await fetch(`${endpoints.schemaRegistryUrl}/subjects/${subject}/versions/${version}`)).json()) as { id: number }).id,
      ),
    );
    expect(ids).toContain(schemaId);
    const writer = (await (await fetch(`${endpoints.schemaRegistryUrl}/schemas/ids/${schemaId}`)).json()) as { schema: string };
    const decoded = Type.forSchema(JSON.parse(writer.schema)).fromBuffer(record.value.subarray(5)) as {
      metadata: { eventId: string; tenantId: string };
      order: { id: string; totalPrice: { amountMinor: number } };
    };
    expect(decoded.metadata.eventId).toBe(accepted.eventId);
    expect(decoded.order.id).toBe('820982911946154500');
    expect(decoded.order.totalPrice.amountMinor).toBe(40495);
    expect(record.key).toBe('820982911946154500');
  }, 120_000);

  it('refuses an unsigned or forged delivery with 401 and publishes nothing', async () => {
    const before = await topicEndOffsets();
    const forged = await deliver({ 'x-shopify-hmac-sha256': 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=' });
    const unsigned = await deliver({ 'x-shopify-hmac-sha256': '' });
    for (const response of [forged, unsigned]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401, code: 'shopify.signature_invalid' });
    }
    expect(await topicEndOffsets()).toBe(before);
  });

  it.each([
    ['an unknown shop', { 'x-shopify-shop-domain': 'unknown.myshopify.com' }, undefined, 401, 'shopify.unknown_shop'],
    ['a wrong content type', { 'content-type': 'text/plain' }, undefined, 415, 'http.unsupported_media_type'],
    ['a topic that does not belong on the path', { 'x-shopify-topic': 'products/create' }, undefined, 400, 'shopify.topic_not_accepted'],
    ['malformed JSON', { 'x-shopify-hmac-sha256': shopifySignature('{"id":') }, Buffer.from('{"id":'), 400, 'webhook.malformed_json'],
    ['an oversized body', {}, Buffer.alloc(2 * 1024 * 1024, 0x20), 413, 'http.body_too_large'],
  ])('answers %s with a problem body and publishes nothing', async (_case, headers, body, status, code) => {
    const before = await topicEndOffsets();
    const response = await deliver(headers as Record<string, string>, body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ status, code });
    expect(await topicEndOffsets()).toBe(before);
  });

  it('stops both services cleanly on SIGTERM', async () => {
    const [gatewayExit, inventoryExit] = await Promise.all([gateway.stop('SIGTERM'), inventory.stop('SIGTERM')]);
    expect({ gatewayExit, inventoryExit }).toEqual({ gatewayExit: 0, inventoryExit: 0 });
    expect(gateway.output()).toContain('gateway stopped');
    expect(inventory.output()).toContain('inventory-service stopped');
  });
});

async function readRecord(partition: number, offset: string): Promise<{ key: string; value: Buffer }> {
  const consumer = kafka.consumer({ groupId: `platform-e2e-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'shopify.orders.v1' });
  try {
    let found: (record: { key: string; value: Buffer }) => void = () => undefined;
    const record = new Promise<{ key: string; value: Buffer }>((resolve) => (found = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition: seen, message }) => {
        if (seen === partition && message.offset === offset && message.value)
          found({ key: message.key?.toString() ?? '', value: message.value });
      },
    });
    consumer.seek({ topic: 'shopify.orders.v1', partition, offset });
    return await waitFor(
      `record ${partition}/${offset}`,
      () => Promise.race([record, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]),
      20_000,
    );
  } finally {
    await consumer.disconnect();
  }
}
