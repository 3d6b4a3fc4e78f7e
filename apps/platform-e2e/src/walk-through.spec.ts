import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { developmentMissedOrderId, ShopifyAdminStandIn, startDevelopmentShopify, testEndpoints, waitFor } from '@consign/test-support';
import { developmentAdminKey } from '@consign/service-runtime';
import { metricCatalogue } from '@consign/telemetry';
import { opsCli } from './support/ops-cli';
import { AppName, PlatformUnderTest } from './support/platform-under-test';

/**
 * The local walk-through of docs/integration-guide.md, command for command, on the development
 * tenant: send the committed fixtures with `ops webhooks send-test`, see the emails, follow the
 * order with `ops status`, replay it, and reconcile against the development Shopify stand-in that
 * `npm start` runs (with the reconciler's development token, as there).
 */
const consignorEmail = 'example@example.org';
const sampleOrderId = '820982911946154500';
const mailSink = testEndpoints().mailSinkUrl;
let platform: PlatformUnderTest;
let shopify: ShopifyAdminStandIn;
let ops: ReturnType<typeof opsCli>;

interface SendTestReport {
  source: string;
  topic: string;
  tenantId: string;
  deliveryId: string;
  status: number;
  answer: { status?: string; code?: string };
}
interface StatusReport {
  deliveries: Array<{
    delivery: { deliveryId: string; status: string };
    records: Array<{ record: { topic: string }; consumers: Array<{ group: string; processed: boolean }> }>;
  }>;
}

async function mailTo(address: string): Promise<Array<{ subject: string }>> {
  const response = await fetch(`${mailSink}/api/messages?to=${encodeURIComponent(address)}`);
  const body = (await response.json()) as Array<{ subject: string }> | { messages: Array<{ subject: string }> };
  return Array.isArray(body) ? body : body.messages;
}

async function sendTest(...args: string[]): Promise<SendTestReport> {
  const result = await ops<SendTestReport>('webhooks', 'send-test', ...args);
  expect(result).toMatchObject({ code: 0, json: { status: 200 } });
  return result.json;
}

beforeAll(async () => {
  shopify = await startDevelopmentShopify(0);
  // A newcomer's platform starts empty: other test files send the same fixtures (the sample order cancelled, say).
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'earnings-service', 'consignor-service', 'notification-service', 'reconciler'],
    { NODE_ENV: 'development', SHOPIFY_ADMIN_API_ORIGIN: shopify.origin, RECONCILER_SCHEDULE: 'off' },
    {},
    { skipHistory: true },
  );
  ops = opsCli(platform, 'newcomer');
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await shopify?.close();
});

describe('the platform under test', () => {
  it('runs every app on the pinned Node.js major', async () => {
    const { engines } = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { engines: { node: string } };
    const pinnedMajor = /^>=(\d+)\./.exec(engines.node)?.[1];
    for (const [app, url] of Object.entries(platform.internalUrls)) {
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${developmentAdminKey}` } })).text();
      expect({ app, major: /^nodejs_version_info\{.*major="(\d+)"/m.exec(metrics)?.[1] }).toEqual({ app, major: pinnedMajor });
    }
  });
});

describe('who may call what', () => {
  const unauthenticated: Array<[AppName, string]> = [
    ['consignor-service', '/clients/dev-store/consignors'],
    ['consignor-service', '/consignors/04651b49-9522-515b-8117-a12cd696641e'],
    ['earnings-service', '/clients/dev-store/earnings?format=csv'],
    ['notification-service', '/notifications'],
    ['notification-service', '/contacts/04651b49-9522-515b-8117-a12cd696641e'],
    ['inventory-service', '/items'],
    ['reconciler', '/runs?tenantId=dev-store'],
    ['gateway', '/admin/deliveries?subjectId=1'],
  ];

  it.each(unauthenticated)('%s refuses %s without a key, and with a wrong one', async (app, path) => {
    for (const headers of [{}, { authorization: 'Bearer not-a-key' }]) {
      const response = await fetch(`${platform.internalUrls[app]}${path}`, { headers });
      expect({ app, path, status: response.status }).toEqual({ app, path, status: 401 });
      expect(await response.json()).toMatchObject({ code: 'api.unauthorized' });
    }
  });

  it.each(['inventory-service', 'earnings-service', 'consignor-service', 'notification-service', 'reconciler', 'gateway'] as const)(
    '%s refuses /metrics and admin calls without a key',
    async (app) => {
      expect((await fetch(`${platform.internalUrls[app]}/metrics`)).status).toBe(401);
      const admin = app === 'gateway' ? '/admin/webhooks/replay' : app === 'reconciler' ? '/runs' : '/admin/consumer/stop';
      expect((await fetch(`${platform.internalUrls[app]}${admin}`, { method: 'POST' })).status).toBe(401);
    },
  );
});

describe('the local walk-through', () => {
  let orderDelivery: SendTestReport;

  // Three settles and a mail wait: room for each to fail with its own message rather than the test's timeout.
  it('signs each committed fixture for the development tenant and the gateway accepts it', async () => {
    const soldBefore = (await mailTo(consignorEmail)).filter((mail) => /sold/i.test(mail.subject)).length;
    const user = await sendTest('fixtures/clerk/user-created.json');
    expect(user).toMatchObject({ source: 'clerk', topic: 'user.created', tenantId: 'dev-store', answer: { status: 'published' } });
    await platform.settled();
    const product = await sendTest('fixtures/development/products-update-consignor.json', '--topic', 'products/update');
    expect(product).toMatchObject({ source: 'shopify', topic: 'products/update' });
    await platform.settled();
    // The topic comes from the file name.
    orderDelivery = await sendTest('fixtures/shopify/orders-create.json');
    expect(orderDelivery).toMatchObject({ source: 'shopify', topic: 'orders/create', answer: { status: 'published' } });
    await platform.settled();

    const consignors = await platform.read<{ consignors: Array<{ email: string; shopifyTag: string }> }>(
      'consignor-service',
      '/clients/dev-store/consignors',
    );
    expect(consignors.consignors).toContainEqual(
      expect.objectContaining({ email: consignorEmail, shopifyTag: 'consignor:04651b49-9522-515b-8117-a12cd696641e' }),
    );
    const ledger = await platform.read<{ entries: Array<{ consignorId: string; type: string; itemTitle: string }> }>(
      'earnings-service',
      `/orders/${sampleOrderId}/earnings?tenantId=dev-store`,
    );
    expect(ledger.entries.map((entry) => [entry.itemTitle, entry.type, entry.consignorId]).sort()).toEqual([
      ['Aviator sunglasses', 'sale', '04651b49-9522-515b-8117-a12cd696641e'],
      ['Coffee table', 'sale', '04651b49-9522-515b-8117-a12cd696641e'],
      ['Mid-century lounger', 'sale', '04651b49-9522-515b-8117-a12cd696641e'],
    ]);
    await waitFor(
      'the "sold" emails in the mail sink',
      async () => ((await mailTo(consignorEmail)).filter((mail) => /sold/i.test(mail.subject)).length > soldBefore ? true : undefined),
      30_000,
    );
  }, 300_000);

  it("reports the gateway's refusal with its code and exits 1", async () => {
    const refused = await ops<SendTestReport>(
      'webhooks',
      'send-test',
      'fixtures/shopify/orders-create.json',
      '--topic',
      'orders/fulfilled',
    );
    expect(refused).toMatchObject({ code: 1, json: { status: 400, answer: { code: 'shopify.topic_not_supported' } } });
  });

  it('finds the order, and the refusal with its reason, in the delivery history', async () => {
    type HistoryReport = {
      deliveries: Array<{
        deliveryId: string;
        outcome: string;
        reason: string | null;
        topic: string;
        tenantId: string | null;
        publishedTo: Array<{ topic: string }> | null;
      }>;
    };
    const order = await ops<HistoryReport>('deliveries', 'list', '--subject', sampleOrderId, '--tenant', 'dev-store');
    expect(order.code).toBe(0);
    const published = order.json.deliveries.find((entry) => entry.deliveryId === orderDelivery.deliveryId);
    expect(published).toMatchObject({ outcome: 'published', topic: 'orders/create', reason: null });
    expect(published?.publishedTo?.map((record) => record.topic)).toContain('shopify.orders.v1');
    const refusals = await ops<HistoryReport>(
      'deliveries',
      'list',
      '--outcome',
      'rejected',
      '--reason',
      'shopify.topic_not_supported',
      '--limit',
      '5',
    );
    expect(refusals.json.deliveries[0]).toMatchObject({ topic: 'orders/fulfilled', tenantId: 'dev-store', outcome: 'rejected' });
  });

  it('follows the order with ops status, by delivery id and by order id', async () => {
    for (const id of [orderDelivery.deliveryId, sampleOrderId]) {
      const status = await ops<StatusReport>('status', id);
      expect(status.code).toBe(0);
      const delivery = status.json.deliveries.find((entry) => entry.delivery.deliveryId === orderDelivery.deliveryId);
      expect(delivery?.delivery.status).toBe('published');
      const orders = delivery?.records.find((entry) => entry.record.topic === 'shopify.orders.v1');
      expect(orders?.consumers).toContainEqual(expect.objectContaining({ group: platform.groups['earnings-service'], processed: true }));
    }
  });

  it('replays the delivery from the archive without changing the books', async () => {
    const before = await platform.read<{ entries: unknown[] }>('earnings-service', `/orders/${sampleOrderId}/earnings?tenantId=dev-store`);
    const replay = await ops<{ failed: number; results: unknown[] }>(
      'webhooks',
      'replay',
      '--delivery-id',
      orderDelivery.deliveryId,
      '--yes',
    );
    expect(replay).toMatchObject({ code: 0, json: { failed: 0 } });
    expect(replay.json.results).toHaveLength(1);
    await platform.settled();
    expect(await platform.read('earnings-service', `/orders/${sampleOrderId}/earnings?tenantId=dev-store`)).toEqual(before);
  });

  it('replays every delivery of the order the history holds, throttled, without changing the books', async () => {
    const before = await platform.read<{ entries: unknown[] }>('earnings-service', `/orders/${sampleOrderId}/earnings?tenantId=dev-store`);
    const replay = await ops<{ job: { id: string; status: string; replayed: number; failed: number } }>(
      'deliveries',
      'replay',
      '--subject',
      sampleOrderId,
      '--rate',
      '5',
      '--yes',
    );
    expect(replay).toMatchObject({ code: 0, json: { job: { status: 'finished', failed: 0 } } });
    expect(replay.json.job.replayed).toBeGreaterThanOrEqual(1);
    const jobs = await ops<{ jobs: Array<{ id: string; status: string }> }>('deliveries', 'jobs');
    expect(jobs.json.jobs[0]).toMatchObject({ id: replay.json.job.id, status: 'finished' });
    await platform.settled();
    expect(await platform.read('earnings-service', `/orders/${sampleOrderId}/earnings?tenantId=dev-store`)).toEqual(before);
  });

  it('reconciles against the development Shopify and reports what the platform missed', async () => {
    const run = await ops<{ id: string; status: string; tenantId: string }>('reconcile', 'run', '--tenant', 'dev-store');
    expect(run).toMatchObject({ code: 0, json: { status: 'succeeded' } });
    const shown = await ops<{ discrepancies: Array<{ kind: string; subjectId: string }> }>('reconcile', 'show', run.json.id);
    expect(shown.json.discrepancies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'order_missing', subjectId: developmentMissedOrderId }),
        expect.objectContaining({ kind: 'order_cancelled_in_shopify_only', subjectId: sampleOrderId }),
      ]),
    );
  });

  it("keeps every app's admin calls, refused ones too, in the one audit log, under the key's name", async () => {
    type AuditRows = { actions: Array<{ app: string; actor: string; action: string; outcome: string }> };
    const seen = (rows: AuditRows['actions']) => new Set(rows.map((row) => `${row.app} ${row.actor} ${row.action} ${row.outcome}`));
    const refused = await waitFor(
      'the refused admin calls in the audit log',
      async () => {
        const rows = (await ops<AuditRows>('audit', '--actor', 'unauthenticated', '--limit', '500')).json.actions;
        return seen(rows).has('inventory-service unauthenticated POST /admin/consumer/stop refused') &&
          seen(rows).has('gateway unauthenticated POST /admin/webhooks/replay refused')
          ? rows
          : undefined;
      },
      30_000,
      500,
    );
    expect(refused.every((row) => row.outcome === 'refused')).toBe(true);
    const byKey = await waitFor(
      "the replay in the audit log under the development key's name",
      async () => {
        const rows = (await ops<AuditRows>('audit', '--actor', 'api-key:developer', '--limit', '500')).json.actions;
        return seen(rows).has('gateway api-key:developer POST /admin/webhooks/replay succeeded') ? rows : undefined;
      },
      30_000,
      500,
    );
    expect(seen(byKey)).toContain('reconciler api-key:developer reconciliation.run succeeded');
  });
});

describe('what operators scrape', () => {
  const scrape = async (app: AppName) =>
    (await fetch(`${platform.internalUrls[app]}/metrics`, { headers: { authorization: `Bearer ${developmentAdminKey}` } })).text();

  it("shows on every app's /metrics each family the catalogue lists for it, and no label repeating Prometheus' job", async () => {
    for (const app of platform.apps) {
      const metrics = await scrape(app);
      const missing = metricCatalogue
        .filter((metric) => metric.exportedBy.includes(app as never) && !metrics.includes(`# TYPE ${metric.name} ${metric.type}\n`))
        .map((metric) => metric.name);
      expect({ app, missing }).toEqual({ app, missing: [] });
      const undeclared = [...metrics.matchAll(/^# TYPE (consign_\w+) /gm)]
        .map(([, name]) => name)
        .filter((name) => !metricCatalogue.some((metric) => metric.name === name));
      expect({ app, undeclared }).toEqual({ app, undeclared: [] });
      expect(metrics).not.toMatch(/[{,]service="/);
    }
  });

  it('counts what the walk-through did: deliveries accepted, emails sent, reconciliations, read-API requests', async () => {
    const gateway = await scrape('gateway');
    const accepted = [
      ...gateway.matchAll(/^consign_webhook_deliveries_total\{source="shopify",topic="orders\/create",outcome="accepted"\} (\d+)$/gm),
    ].map(([, value]) => Number(value));
    expect(accepted[0]).toBeGreaterThan(0);
    // The refused topic is one label value, whatever the sender wrote.
    expect(gateway).toMatch(/^consign_webhook_rejections_total\{source="shopify",reason="shopify\.topic_not_supported"\} 1$/m);
    expect(gateway).toMatch(/^consign_webhook_deliveries_total\{source="shopify",topic="unsupported",outcome="rejected"\} 1$/m);
    expect(gateway).not.toContain('orders/fulfilled');
    expect(gateway).toMatch(/^consign_spool_deliveries 0$/m);
    expect(await scrape('notification-service')).toMatch(/^consign_emails_total\{outcome="sent"\} [1-9]/m);
    const reconciler = await scrape('reconciler');
    expect(reconciler).toMatch(/^consign_reconciliation_runs_total\{outcome="succeeded"\} [1-9]/m);
    expect(reconciler).toMatch(/^consign_reconciliation_discrepancies_total\{kind="order_cancelled_in_shopify_only"\} [1-9]/m);
    expect(await scrape('inventory-service')).toMatch(
      /^consign_http_requests_total\{listener="internal",method="GET",route="[^"]+",status="200"\} [1-9]/m,
    );
    for (const app of ['inventory-service', 'earnings-service', 'consignor-service', 'notification-service'] as const) {
      expect({ app, outbox: /^consign_outbox_rows (\d+)$/m.exec(await scrape(app))?.[1] }).toEqual({
        app,
        outbox: expect.stringMatching(/^\d+$/),
      });
    }
  });
});
