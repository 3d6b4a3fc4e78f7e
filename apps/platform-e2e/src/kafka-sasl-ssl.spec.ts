import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localKafkaSaslSsl } from '@consign/infra-local';
import {
  orderBody,
  productBody,
  RegistryAuthProxy,
  shopifyId,
  startRegistryAuthProxy,
  testEndpoints,
  WebhookSender,
} from '@consign/test-support';
import { opsCli } from './support/ops-cli';
import { PlatformUnderTest } from './support/platform-under-test';

/**
 * The apps as against a managed Kafka and a managed registry: every Kafka client of the gateway
 * and inventory-service goes through the local broker's SASL_SSL listener, its certificate checked
 * against the local CA (verify-full) and signed in with SCRAM-SHA-512; so does the operators' CLI.
 * That listener speaks nothing else, so a client that left out TLS or SASL would never get an
 * answer. The registry is reached through an authenticating TLS proxy with HTTP basic credentials,
 * and, as in production, the apps register no schema (`npm run provision` did) and the gateway
 * creates no topic.
 */
const secured = localKafkaSaslSsl();
const kafkaEnv = {
  KAFKA_BROKERS: secured.brokers.join(','),
  KAFKA_TLS: 'verify-full',
  KAFKA_TLS_CA: secured.caFile,
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: secured.username,
  KAFKA_SASL_PASSWORD: secured.password,
};
const registryCredentials = { username: 'consign-e2e', password: `registry-${randomUUID()}` };
const tenantId = 'dev-store';
const certificates = mkdtempSync(join(tmpdir(), 'consign-registry-proxy-'));
let registryProxy: RegistryAuthProxy;
let connectionEnv: Record<string, string>;
let platform: PlatformUnderTest;

beforeAll(async () => {
  registryProxy = await startRegistryAuthProxy(testEndpoints().schemaRegistryUrl, registryCredentials);
  writeFileSync(join(certificates, 'registry-ca.pem'), registryProxy.caCertificate);
  connectionEnv = {
    ...kafkaEnv,
    SCHEMA_REGISTRY_URL: registryProxy.url,
    SCHEMA_REGISTRY_TLS: 'verify-full',
    SCHEMA_REGISTRY_TLS_CA: join(certificates, 'registry-ca.pem'),
    SCHEMA_REGISTRY_USERNAME: registryCredentials.username,
    SCHEMA_REGISTRY_PASSWORD: registryCredentials.password,
    SCHEMA_REGISTRY_REGISTER_SCHEMAS: 'false',
  };
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service'],
    connectionEnv,
    { gateway: { KAFKA_CREATE_TOPICS: 'false' } },
    { skipHistory: true },
  );
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await registryProxy?.close();
  rmSync(certificates, { recursive: true, force: true });
});

describe('Kafka over TLS with SCRAM sign-in', () => {
  it('carries a product and its order from the gateway to inventory-service', async () => {
    const webhooks = new WebhookSender(platform.urls.gateway);
    const ids = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId(), order: shopifyId() };
    await webhooks.shopify(
      'products/create',
      productBody({
        id: ids.product,
        title: `Secured lamp ${randomUUID().slice(0, 8)}`,
        tags: [],
        variants: [{ id: ids.variant, inventoryItemId: ids.inventoryItem, sku: `SKU-${ids.variant}`, price: '20.00', quantity: 4 }],
      }),
    );
    await platform.settled();
    await webhooks.shopify(
      'orders/create',
      orderBody({
        id: ids.order,
        name: `#TLS-${ids.order}`,
        lines: [{ id: shopifyId(), productId: ids.product, variantId: ids.variant, title: 'Secured lamp', quantity: 1, price: '20.00' }],
      }),
    );
    await platform.settled();
    const order = await platform.read<{ state: string; lines: unknown[] }>(
      'inventory-service',
      `/orders/${ids.order}?tenantId=${tenantId}`,
    );
    expect(order).toMatchObject({ state: 'received', lines: [expect.objectContaining({ ownership: 'store' })] });
    expect(registryProxy.forwarded()).toBeGreaterThan(0);
    expect(registryProxy.refused()).toBe(0);
    for (const app of ['gateway', 'inventory-service'] as const) {
      expect(platform.output(app)).not.toContain(secured.password);
      expect(platform.output(app)).not.toContain(registryCredentials.password);
    }
  });
});

describe("the operators' CLI over TLS with SCRAM sign-in", () => {
  it("lists a group's dead letters through the secured listener", async () => {
    const ops = opsCli(platform, 'e2e-operator', connectionEnv);
    const listed = await ops<{ deadLetters: unknown[] }>('deadletters', 'list', '--group', platform.groups['inventory-service']);
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(listed.json).toMatchObject({ deadLetters: [] });
  });
});
