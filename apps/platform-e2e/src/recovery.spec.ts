import { randomUUID } from 'node:crypto';
import {
  clerkUserBody,
  orderBody,
  productBody,
  ShopifyAdminStandIn,
  shopifyId,
  StandInProduct,
  startShopifyAdminStandIn,
  WebhookSender,
} from '@consign/test-support';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { topics } from '@consign/contracts';
import { testEndpoints } from '@consign/test-support';
import { opsCli } from './support/ops-cli';
import { ConsumerApp, PlatformUnderTest } from './support/platform-under-test';

/**
 * Recovery on the running platform: the reconciler against a Shopify Admin API stand-in, and the
 * operator command line against the real Kafka and services.
 */
const run = randomUUID().slice(0, 8);
const tenantId = 'dev-store';
const adminKey = 'dev-admin-key';
let platform: PlatformUnderTest;
let webhooks: WebhookSender;
let shopify: ShopifyAdminStandIn;
let aliceId = '';
let ops: ReturnType<typeof opsCli>;
const startedAt = new Date();

// A second client store, which inventory-service is first deployed without: its events are dead-lettered there until the configuration is fixed.
const developmentTenant = {
  id: tenantId,
  shopDomain: 'shop.myshopify.com',
  shopifyWebhookSecrets: ['test_secret_key'],
  clerkInstanceIds: ['ins_123', 'ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S'],
  clerkSigningSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  currency: 'USD',
};
const secondTenant = { id: 'second-store', shopDomain: 'second.myshopify.com', shopifyWebhookSecrets: ['second_secret'], currency: 'USD' };
const allTenants = JSON.stringify([developmentTenant, secondTenant]);

interface Discrepancy {
  id: string;
  kind: string;
  subjectId: string;
  repairable: boolean;
  notRepairableReason: string | null;
}
interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  discrepancies: Discrepancy[];
}

async function reconcilerPost<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${platform.urls.reconciler}${path}`, {
    method: 'POST',
    // The audit identity is the key's name: a caller's claim of another is ignored.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}`, 'x-operator': 'mallory' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST reconciler ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const at = (iso: string): string => new Date(iso).toISOString();

beforeAll(async () => {
  shopify = await startShopifyAdminStandIn({ orders: [], products: [] });
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'earnings-service', 'consignor-service', 'notification-service', 'reconciler'],
    {
      TENANTS: allTenants,
      SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
      SHOPIFY_ADMIN_TOKENS: JSON.stringify({ [tenantId]: shopify.accessToken, [secondTenant.id]: shopify.accessToken }),
      RECONCILER_SCHEDULE: 'off',
    },
    { 'inventory-service': { TENANTS: JSON.stringify([developmentTenant]) } },
  );
  webhooks = new WebhookSender(platform.urls.gateway);
  ops = opsCli(platform, 'e2e-operator');
  await webhooks.clerk(
    clerkUserBody('user.created', { id: `user_recovery_${run}`, email: `alice.recovery.${run}@example.test`, firstName: 'Alice' }),
  );
  await platform.settled();
  const listed = await platform.read<{ consignors: Array<{ consignorId: string; clerkUserId: string }> }>(
    'consignor-service',
    `/clients/${tenantId}/consignors`,
  );
  aliceId = listed.consignors.find((consignor) => consignor.clerkUserId === `user_recovery_${run}`)?.consignorId ?? '';
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await shopify?.close();
});

describe('reconciliation against Shopify', () => {
  it('finds each seeded kind of discrepancy, and after repair a second run finds none of the repairable ones', async () => {
    const updatedAt = '2026-11-28T09:00:00.000Z';
    const variantUpdatedAt = '2026-11-28T09:30:00.000Z';
    const product = (
      ids: { product: string; variant: string; item: string },
      title: string,
      tags: string[],
      quantity: number,
    ): StandInProduct => ({
      id: ids.product,
      title,
      status: 'ACTIVE',
      tags,
      createdAt: updatedAt,
      updatedAt,
      variants: [
        {
          id: ids.variant,
          title: 'Default',
          sku: `SKU-${ids.variant}`,
          price: '40.00',
          inventoryQuantity: quantity,
          updatedAt: variantUpdatedAt,
          inventoryItemId: ids.item,
          locationId: '24826418',
        },
      ],
    });
    const ids = () => ({ product: String(shopifyId()), variant: String(shopifyId()), item: String(shopifyId()) });
    const jacket = ids(); // known locally, level matches after the sale
    const lamp = ids(); // known locally, Shopify counts 5 where inventory holds 1
    const vase = ids(); // only in Shopify
    const mug = ids(); // the store's own item, on the orders below
    const delivered = [
      { ids: jacket, title: 'Jacket', tags: [`consignor:${aliceId}`], quantity: 2 },
      { ids: lamp, title: 'Lamp', tags: [`consignor:${aliceId}`], quantity: 1 },
      { ids: mug, title: 'Mug', tags: ['house'], quantity: 10 },
    ];
    for (const item of delivered) {
      await webhooks.shopify(
        'products/create',
        productBody({
          id: Number(item.ids.product),
          title: item.title,
          tags: item.tags,
          updatedAt,
          variants: [
            {
              id: Number(item.ids.variant),
              inventoryItemId: Number(item.ids.item),
              sku: `SKU-${item.ids.variant}`,
              price: '40.00',
              quantity: item.quantity,
            },
          ],
        }),
      );
    }
    const line = (item: { product: string; variant: string }, title: string, price = '40.00') => ({
      id: shopifyId(),
      productId: Number(item.product),
      variantId: Number(item.variant),
      title,
      quantity: 1,
      price,
    });
    const matching = { id: shopifyId(), name: `#R1-${run}`, lines: [line(jacket, 'Jacket')] };
    const missing = { id: shopifyId(), name: `#R2-${run}`, lines: [line(mug, 'Mug')] };
    const cancelledInShopify = { id: shopifyId(), name: `#R3-${run}`, lines: [line(mug, 'Mug')] };
    const cancelledLocally = { id: shopifyId(), name: `#R4-${run}`, lines: [line(mug, 'Mug')] };
    const repriced = { id: shopifyId(), name: `#R5-${run}`, lines: [line(jacket, 'Jacket', '30.00')] };
    for (const order of [matching, cancelledInShopify, cancelledLocally, repriced])
      await webhooks.shopify('orders/create', orderBody({ ...order, financialStatus: 'paid' }));
    await webhooks.shopify(
      'orders/cancelled',
      orderBody({
        ...cancelledLocally,
        financialStatus: 'paid',
        cancelledAt: '2026-11-28T10:30:00-05:00',
        lines: cancelledLocally.lines.map((l) => ({ ...l, currentQuantity: 0 })),
      }),
    );
    await platform.settled();

    const standInOrder = (order: typeof matching, options: { cancelledAt?: string; price?: string } = {}) => ({
      id: String(order.id),
      name: order.name,
      createdAt: at('2026-11-28T10:00:00-05:00'),
      updatedAt: at('2026-11-28T11:00:00-05:00'),
      cancelledAt: options.cancelledAt ?? null,
      cancelReason: options.cancelledAt ? ('CUSTOMER' as const) : null,
      displayFinancialStatus: 'PAID' as const,
      currencyCode: 'USD',
      totalPrice: options.price ?? order.lines[0].price,
      lineItems: order.lines.map((l) => ({
        id: String(l.id),
        title: l.title,
        quantity: 1,
        currentQuantity: options.cancelledAt ? 0 : 1,
        productId: String(l.productId),
        variantId: String(l.variantId),
        price: options.price ?? l.price,
      })),
    });
    shopify.shop.products.push(
      product(jacket, 'Jacket', [`consignor:${aliceId}`], 0),
      product(lamp, 'Lamp', [`consignor:${aliceId}`], 5),
      product(vase, 'Vase', [`consignor:${aliceId}`], 1),
      product(mug, 'Mug', ['house'], 10),
    );
    shopify.shop.orders.push(
      standInOrder(matching),
      standInOrder(missing),
      standInOrder(cancelledInShopify, { cancelledAt: at('2026-11-28T10:45:00-05:00') }),
      standInOrder(cancelledLocally),
      standInOrder(repriced, { price: '40.00' }),
    );
    // Jacket: 2 in stock, both sold (#R1 and #R5), Shopify counts 0.
    const window = { tenantId, from: '2026-11-28T00:00:00.000Z', to: new Date(Date.now() + 60_000).toISOString() };

    const first = await reconcilerPost<Run>('/runs', window);
    expect(first.status).toBe('succeeded');
    const found = (kind: string) =>
      first.discrepancies.filter((discrepancy) => discrepancy.kind === kind).map((discrepancy) => discrepancy.subjectId);
    expect(found('order_missing')).toEqual([String(missing.id)]);
    expect(found('order_cancelled_in_shopify_only')).toEqual([String(cancelledInShopify.id)]);
    expect(found('order_cancelled_locally_only')).toEqual([String(cancelledLocally.id)]);
    expect(found('inventory_level_differs')).toEqual([lamp.variant]);
    expect(found('product_unknown')).toEqual([vase.product]);
    expect(found('earnings_mismatch')).toEqual([String(repriced.id)]);

    const everything = { discrepancyIds: first.discrepancies.map((discrepancy) => discrepancy.id) };
    const dryRun = await reconcilerPost<{ repaired: Array<{ events: Array<{ eventType: string }> }>; skipped: unknown[] }>(
      `/runs/${first.id}/repair`,
      { ...everything, dryRun: true },
    );
    expect(dryRun.repaired.flatMap((repair) => repair.events.map((event) => event.eventType)).sort()).toEqual(
      [
        'shopify.inventory_level.updated',
        'shopify.order.cancelled',
        'shopify.order.created',
        'shopify.order.paid',
        'shopify.product.upserted',
      ].sort(),
    );
    const repaired = await reconcilerPost<{ repaired: Array<{ events: Array<{ eventId: string }> }> }>(
      `/runs/${first.id}/repair`,
      everything,
    );
    await platform.settled();
    const snapshot = await platform.snapshot('inventory-service');

    const second = await reconcilerPost<Run>('/runs', window);
    expect(second.status).toBe('succeeded');
    expect(second.discrepancies.filter((discrepancy) => discrepancy.repairable)).toEqual([]);
    // What no Shopify event can fix stays reported, with the reason, for a data correction.
    expect(second.discrepancies.map((discrepancy) => discrepancy.kind).sort()).toEqual([
      'earnings_mismatch',
      'order_cancelled_locally_only',
    ]);

    // Repairing the first run again publishes nothing more and changes nothing.
    const again = await reconcilerPost<{ repaired: Array<{ events: Array<{ eventId: string }> }> }>(`/runs/${first.id}/repair`, everything);
    expect(again.repaired).toEqual([]);
    await platform.settled();
    expect(await platform.snapshot('inventory-service')).toEqual(snapshot);
    expect(repaired.repaired.length).toBe(4);

    const audit = await platform.query<{ action: string; actor: string; outcome: string }>(
      'reconciler',
      "SELECT action, actor, outcome FROM operator_actions WHERE actor IN ('api-key:developer', 'mallory') AND action LIKE 'reconciliation.%' ORDER BY id",
    );
    expect(new Set(audit.map((row) => row.actor))).toEqual(new Set(['api-key:developer']));
    expect(audit.map((row) => `${row.action}:${row.outcome}`)).toEqual([
      'reconciliation.run:succeeded',
      'reconciliation.repair:dry_run',
      'reconciliation.repair:succeeded',
      'reconciliation.run:succeeded',
      'reconciliation.repair:succeeded',
    ]);
  });
});

describe('operator command line', () => {
  const everyService: ConsumerApp[] = ['inventory-service', 'earnings-service', 'consignor-service', 'notification-service'];
  const snapshotAll = async () =>
    Object.fromEntries(await Promise.all(everyService.map(async (app) => [app, await platform.snapshot(app)] as const)));

  it('redrives a dead letter once its cause is fixed, and it is applied exactly once', async () => {
    const ids = { product: shopifyId(), variant: shopifyId(), item: shopifyId() };
    await webhooks.shopify(
      'products/create',
      productBody({
        id: ids.product,
        title: 'Second-store chair',
        tags: ['house'],
        variants: [{ id: ids.variant, inventoryItemId: ids.item, sku: 'CHAIR', price: '50.00', quantity: 3 }],
      }),
      {
        shopDomain: secondTenant.shopDomain,
        secret: secondTenant.shopifyWebhookSecrets[0],
      },
    );
    await platform.settled();
    const group = platform.groups['inventory-service'];
    const listed = await ops<{ deadLetters: Array<{ id: string; code: string; original: { topic: string } }> }>(
      'deadletters',
      'list',
      '--group',
      group,
    );
    expect(listed.code).toBe(0);
    // The new group also read what earlier runs left on the topic: find this product's dead letter.
    type Shown = { payload: { decoded: boolean; value: { product: { id: string } } }; message: string; attempts: number };
    let deadLetter: (typeof listed.json.deadLetters)[number] | undefined;
    let shown: Shown | undefined;
    for (const candidate of listed.json.deadLetters.filter(
      (entry) => entry.original.topic === topics.shopifyProducts.name && entry.code === 'tenant.unknown',
    )) {
      const answer = await ops<Shown>('deadletters', 'show', candidate.id);
      if (answer.json.payload.decoded && answer.json.payload.value.product.id === String(ids.product))
        [deadLetter, shown] = [candidate, answer.json];
    }
    if (!deadLetter || !shown) throw new Error(`no tenant.unknown dead letter of product ${ids.product} in ${JSON.stringify(listed.json)}`);
    expect(shown.message).toContain('second-store');

    // The fix: deploy inventory-service with the second store configured. Then send the record back.
    await platform.restart('inventory-service', { TENANTS: allTenants });
    const redriven = await ops<{ results: Array<{ status: string }> }>('deadletters', 'redrive', deadLetter.id);
    expect(redriven.json.results.map((result) => result.status)).toEqual(['redriven']);
    await platform.settled();
    const product = await platform.read<{ items: Array<{ variantId: string; quantity: number }> }>(
      'inventory-service',
      `/products/${ids.product}?tenantId=${secondTenant.id}`,
    );
    expect(product.items).toEqual([expect.objectContaining({ variantId: String(ids.variant), quantity: 3 })]);

    const before = await snapshotAll();
    const again = await ops<{ error: { code: string; message: string } }>('deadletters', 'redrive', deadLetter.id);
    expect(again.code).toBe(1);
    expect(again.json.error).toMatchObject({ code: 'operations.already_redriven', message: expect.stringContaining(deadLetter.id) });
    // Forcing the same record through the service now finds it applied already.
    const forced = await ops<{ answer: { outcome: unknown; eventType: string } }>(
      'events',
      'process',
      '--service',
      'inventory-service',
      deadLetter.id,
    );
    expect(forced.code).toBe(0);
    expect(forced.json.answer.eventType).toBe('shopify.product.upserted');
    await platform.settled();
    expect(await snapshotAll()).toEqual(before);
  }, 180_000);

  it("replays every consumer group from the earliest offset, by this tool and by Kafka's own, and every projection stays identical", async () => {
    const before = await snapshotAll();
    const plan = await ops<{ plan: { partitions: unknown[] }; applied: boolean }>(
      'offsets',
      'reset',
      '--group',
      platform.groups['inventory-service'],
      '--service',
      'inventory-service',
      '--topic',
      topics.shopifyOrders.name,
      '--to-earliest',
      '--dry-run',
    );
    expect(plan.json.applied).toBe(false);
    const refused = await ops(
      'offsets',
      'reset',
      '--group',
      platform.groups['inventory-service'],
      '--topic',
      topics.shopifyOrders.name,
      '--to-earliest',
      '--yes',
    );
    expect(refused.code).toBe(1);
    for (const app of ['inventory-service', 'earnings-service'] as const) {
      const reset = await ops<{ applied: boolean }>(
        'offsets',
        'reset',
        '--group',
        platform.groups[app],
        '--service',
        app,
        '--topic',
        topics.shopifyOrders.name,
        '--to-earliest',
        '--stop-members',
        '--yes',
      );
      expect({ app, code: reset.code, applied: reset.json.applied }).toEqual({ app, code: 0, applied: true });
    }
    // The same with Kafka's own tool, the service stopped first (the tool refuses an active group too).
    for (const app of ['consignor-service', 'notification-service'] as const) {
      await platform.stop(app);
      for (const topic of app === 'consignor-service' ? [topics.clerkUsers.name] : [topics.consignors.name, topics.earnings.name]) {
        const tool = spawnSync(
          join(__dirname, '../../../infra/local/bin/kafka-tool'),
          [
            'consumer-groups',
            '--bootstrap-server',
            testEndpoints().kafkaBrokers[0],
            '--group',
            platform.groups[app],
            '--topic',
            topic,
            '--reset-offsets',
            '--to-earliest',
            '--execute',
          ],
          { encoding: 'utf8' },
        );
        expect({ topic, status: tool.status, stderr: tool.stderr.slice(0, 400) }).toEqual({ topic, status: 0, stderr: expect.any(String) });
      }
      await platform.restart(app);
    }
    await platform.settled(180_000);
    expect(await snapshotAll()).toEqual(before);
  }, 300_000);

  it('replays the archived webhooks of a time range through the gateway without duplicates', async () => {
    const before = await snapshotAll();
    const replay = await ops<{ results: Array<{ status: string }> }>(
      'webhooks',
      'replay',
      '--from',
      startedAt.toISOString(),
      '--to',
      new Date().toISOString(),
      '--yes',
    );
    expect(replay.code).toBe(0);
    expect(replay.json.results.length).toBeGreaterThan(5);
    expect(replay.json.results.every((result) => result.status === 'published')).toBe(true);
    await platform.settled();
    expect(await snapshotAll()).toEqual(before);
  });

  it('publishes a data correction as an ordinary event, and shows where a delivery went', async () => {
    const ids = { product: shopifyId(), variant: shopifyId(), item: shopifyId() };
    const delivered = await webhooks.shopify(
      'products/create',
      productBody({
        id: ids.product,
        title: 'Stool',
        updatedAt: '2026-11-28T08:00:00Z',
        tags: ['house'],
        variants: [{ id: ids.variant, inventoryItemId: ids.item, sku: 'STOOL', price: '20.00', quantity: 4 }],
      }),
    );
    await platform.settled();
    const correction = join(mkdtempSync(join(tmpdir(), 'ops-')), 'level.json');
    writeFileSync(
      correction,
      JSON.stringify({
        metadata: { tenantId },
        inventoryItemId: String(ids.item),
        locationId: '24826418',
        available: 2,
        updatedAt: '2026-11-28T12:00:00Z',
      }),
    );
    const published = await ops<{ published: { topic: string } }>(
      'events',
      'publish',
      '--type',
      'shopify.inventory_level.updated',
      '--file',
      correction,
    );
    expect(published.code).toBe(0);
    expect(published.json.published.topic).toBe(topics.shopifyInventory.name);
    await platform.settled();
    expect(await platform.read<{ quantity: number }>('inventory-service', `/items/${ids.variant}?tenantId=${tenantId}`)).toMatchObject({
      quantity: 2,
    });

    const status = await ops<Record<string, unknown>>('status', String(ids.product));
    expect(status.code).toBe(0);
    const text = JSON.stringify(status.json);
    expect(text).toContain(delivered.eventId);
    expect(text).toContain(platform.groups['inventory-service']);
  });

  it('leaves an audit row for every action, with who, what, when, parameters and outcome', async () => {
    const audit = await ops<{ actions: Array<{ actor: string; action: string; outcome: string; parameters: Record<string, unknown> }> }>(
      'audit',
      '--actor',
      'e2e-operator',
      '--limit',
      '500',
    );
    const seen = new Set(audit.json.actions.map((action) => `${action.action}:${action.outcome}`));
    for (const expected of [
      'deadletters.redrive:succeeded',
      'deadletters.redrive:refused',
      'events.process:succeeded',
      'offsets.reset:dry_run',
      'offsets.reset:refused',
      'offsets.reset:succeeded',
      'webhooks.replay:succeeded',
      'events.publish:succeeded',
    ]) {
      expect(seen).toContain(expected);
    }
    expect(audit.json.actions.every((action) => action.actor === 'e2e-operator' && typeof action.parameters === 'object')).toBe(true);
    // What the CLI asks of an app's API is recorded by that app, under the key the CLI presented.
    const byKey = await ops<{ actions: Array<{ action: string; outcome: string }> }>(
      'audit',
      '--actor',
      'api-key:developer',
      '--limit',
      '500',
    );
    const seenByKey = new Set(byKey.json.actions.map((action) => `${action.action}:${action.outcome}`));
    for (const expected of ['reconciliation.run:succeeded', 'reconciliation.repair:dry_run', 'reconciliation.repair:succeeded'])
      expect(seenByKey).toContain(expected);
  });
});
