import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentAdminKey } from '@consign/service-runtime';
import { productBody, shopifyId, shopifySignature, waitFor } from '@consign/test-support';
import { opsCli } from './support/ops-cli';
import { PlatformUnderTest } from './support/platform-under-test';

/**
 * Issue 21: a store onboarded, its secret rotated and the store removed with `npm run ops -- tenants`
 * while the gateway and inventory-service run: each change reaches them without a restart.
 */
describe('tenants managed at run time', () => {
  let platform: PlatformUnderTest;
  let ops: ReturnType<typeof opsCli>;
  const tenantId = `e2e-${randomBytes(4).toString('hex')}`;
  const shopDomain = `${tenantId}.myshopify.com`;
  const firstSecret = `shpss_${randomBytes(16).toString('hex')}`;
  const secondSecret = `shpss_${randomBytes(16).toString('hex')}`;
  const files = mkdtempSync(join(tmpdir(), 'tenants-e2e-'));
  // Its own name: the audit log outlives the run.
  const operator = `operator-${tenantId}`;

  beforeAll(async () => {
    platform = await PlatformUnderTest.start(['gateway', 'inventory-service'], { NODE_ENV: 'development' }, {}, { skipHistory: true });
    ops = opsCli(platform, operator);
  }, 400_000);

  afterAll(async () => {
    await platform?.teardown();
  });

  /** A new product of the store, signed with `secret`: the gateway's status. */
  async function deliverProduct(secret: string, productId = shopifyId()): Promise<number> {
    const body = productBody({
      id: productId,
      title: 'Tweed jacket',
      tags: ['consignor:c-e2e'],
      variants: [{ id: shopifyId(), inventoryItemId: shopifyId(), sku: `SKU-${productId}`, price: '120.00', quantity: 1 }],
    });
    const response = await fetch(`${platform.urls.gateway}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'products/create',
        'x-shopify-shop-domain': shopDomain,
        'x-shopify-api-version': '2026-07',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': new Date().toISOString(),
        'x-shopify-hmac-sha256': shopifySignature(body, secret),
      },
      body,
    });
    await response.body?.cancel();
    return response.status;
  }

  /** Delivers until the gateway answers `status`: a change reaches it within a fetch, not at once. */
  function untilAnswered(what: string, secret: string, status: (answer: number) => boolean, productId?: number): Promise<number> {
    return waitFor(
      what,
      async () => {
        const answer = await deliverProduct(secret, productId);
        return status(answer) ? answer : undefined;
      },
      30_000,
      250,
    );
  }

  it('onboards a store, rotates its secret and removes it, without restarting an app', async () => {
    expect(await deliverProduct(firstSecret)).toBe(401);

    const tenantFile = join(files, 'tenant.json');
    writeFileSync(
      tenantFile,
      JSON.stringify({ id: tenantId, shopDomain, shopifyWebhookSecrets: [firstSecret], currency: 'EUR', consignorTagPrefix: 'consignor:' }),
    );
    const added = await ops('tenants', 'add', '--file', tenantFile);
    expect(added.code).toBe(0);
    expect(JSON.stringify(added.json)).not.toContain(firstSecret);

    // Signed with its secret: answered 200, and processed by inventory-service, which learnt the store's terms from the store too.
    const productId = shopifyId();
    expect(await untilAnswered('the gateway to accept the new store', firstSecret, (status) => status === 200, productId)).toBe(200);
    const product = await waitFor(
      "inventory-service to hold the new store's product",
      async () => {
        const response = await fetch(`${platform.internalUrls['inventory-service']}/products/${productId}?tenantId=${tenantId}`, {
          headers: { authorization: `Bearer ${developmentAdminKey}` },
        });
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      },
      60_000,
    );
    expect(JSON.stringify(product)).toContain('c-e2e');
    // The operator's test delivery finds the store's secret in the tenant store too.
    const sent = await ops<{ status: number; tenantId: string }>(
      'webhooks',
      'send-test',
      'fixtures/shopify/products-create.json',
      '--tenant',
      tenantId,
    );
    expect(sent).toMatchObject({ code: 0, json: { status: 200, tenantId } });

    const secretFile = join(files, 'secret.txt');
    writeFileSync(secretFile, `${secondSecret}\n`);
    expect((await ops('tenants', 'rotate-secret', tenantId, '--kind', 'shopify', '--secret-file', secretFile)).code).toBe(0);
    expect(await untilAnswered('the gateway to accept the new secret', secondSecret, (status) => status === 200)).toBe(200);
    expect(await deliverProduct(firstSecret)).toBe(200);

    expect((await ops('tenants', 'rotate-secret', tenantId, '--kind', 'shopify', '--retire-previous', '--yes')).code).toBe(0);
    expect(await untilAnswered('the gateway to refuse the retired secret', firstSecret, (status) => status === 401)).toBe(401);
    expect(await deliverProduct(secondSecret)).toBe(200);

    const removed = await ops('tenants', 'remove', tenantId, '--yes');
    expect(removed.code).toBe(0);
    const refused = await untilAnswered('the gateway to refuse the removed store', secondSecret, (status) => status !== 200);
    expect(refused).toBeGreaterThanOrEqual(400);
    expect(refused).toBeLessThan(500);

    const audit = await ops<{ actions: Array<{ actor: string; action: string; outcome: string }> }>('audit', '--action', 'tenants.');
    expect(
      audit.json.actions
        .filter((action) => action.actor === operator)
        .map((action) => `${action.action} ${action.outcome}`)
        .reverse(),
    ).toEqual(['tenants.add succeeded', 'tenants.rotate-secret succeeded', 'tenants.rotate-secret succeeded', 'tenants.remove succeeded']);
  }, 240_000);
});
