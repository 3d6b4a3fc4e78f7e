import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { events } from '@consign/contracts';
import { createKafka, EventCodec, EventPublisher } from '@consign/kafka';
import { createServiceHttp } from '@consign/service-runtime';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { metricTotal, readFixture, testEndpoints, waitFor } from '@consign/test-support';
import { DeliveryStore } from '../intake/delivery-store';
import { GatewayMetrics } from '../intake/gateway-metrics';
import { WebhookIntake } from '../intake/webhook-intake';
import { GatewayDatabase, openGatewayDatabase } from '../testing/gateway-database';
import { signedShopifyOrderHeaders } from '../testing/signed-deliveries';
import { WebhookAdmission } from './webhook-admission';
import { createWebhookRouter } from './webhook-router';

/**
 * The webhook router's admission limit against real PostgreSQL and registry. Kafka is unreachable
 * here (nothing listens on its port), so admitted deliveries end in the spool; a lock on the
 * delivery table holds one of them in flight for as long as the test needs.
 */
const endpoints = testEndpoints();
const tenant: Tenant = {
  id: 'admission-store',
  shopDomain: 'admission-store.myshopify.com',
  shopifyWebhookSecrets: ['shopify-secret'],
  clerkInstanceIds: [],
  clerkSigningSecrets: [],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
};

let database: GatewayDatabase;
let dataSource: DataSource;
let unreachable: EventPublisher;
let registry: Registry;
let server: Server;

beforeAll(async () => {
  database = await openGatewayDatabase('consign_gateway_router_test');
  dataSource = database.dataSource;
  const store = new DeliveryStore(dataSource);
  const codec = new EventCodec(endpoints.schemaRegistryUrl);
  await codec.register([events.shopifyOrderCreated, events.rawWebhookArchived]);
  unreachable = new EventPublisher(createKafka({ clientId: 'gateway-router-test-down', brokers: ['127.0.0.1:1'] }), codec);
  const logger = pino({ level: 'silent' });
  registry = new Registry();
  const metrics = new GatewayMetrics(registry, () => store.spoolDepth());
  const admission = new WebhookAdmission(1, (inFlight) => metrics.inFlight.set(inFlight));
  const http = createServiceHttp({ service: 'gateway-router-test', logger, readiness: [] });
  http.app.use(
    createWebhookRouter({
      tenants: new TenantDirectory([tenant]),
      intake: new WebhookIntake({ store, publisher: unreachable, publishTimeoutMs: 200 }),
      codec,
      logger,
      metrics,
      bodyLimitBytes: 1024 * 1024,
      admission,
      trustedProxies: [],
      allowlists: { shopify: [], clerk: [] },
      svixToleranceSeconds: 300,
    }),
  );
  http.finish();
  server = await new Promise((resolve) => {
    const listening = http.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await unreachable?.disconnect().catch(() => undefined);
  await database?.drop();
});

async function receiveShopifyOrder(): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const body = readFixture('shopify/orders-create.json');
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify/order`, {
    method: 'POST',
    body,
    headers: signedShopifyOrderHeaders(tenant, body),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
}

describe('webhook admission', () => {
  it('refuses a webhook beyond the in-flight limit with 503 and Retry-After, and admits again once the one in flight is answered', async () => {
    const lock = dataSource.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    let first: ReturnType<typeof receiveShopifyOrder> | undefined;
    try {
      // The first delivery's claim waits for this lock, so it stays in flight.
      await lock.query('LOCK TABLE webhook_deliveries IN ACCESS EXCLUSIVE MODE');
      first = receiveShopifyOrder();
      await waitFor('the first delivery to be in flight', async () => ((await metricTotal(registry, 'webhook_requests_in_flight')) === 1 ? true : undefined), 10_000, 20);

      const refused = await receiveShopifyOrder();
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('5');
      expect(refused.body).toMatchObject({ code: 'gateway.overloaded', retriable: true });
      expect(await metricTotal(registry, 'webhook_deliveries_rejected_total', { reason: 'gateway.overloaded' })).toBe(1);
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }

    expect(await first).toMatchObject({ status: 200, body: { status: 'spooled' } });
    await waitFor('the in-flight count to return to zero', async () => ((await metricTotal(registry, 'webhook_requests_in_flight')) === 0 ? true : undefined), 5_000, 20);
    expect(await receiveShopifyOrder()).toMatchObject({ status: 200, body: { status: 'spooled' } });
  }, 30_000);
});
