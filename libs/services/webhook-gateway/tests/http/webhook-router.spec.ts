import { gzipSync } from 'node:zlib';
import { metricTotal, readFixture, waitFor } from '@consign/test-support';
import * as exactJson from '../../src/exact-json';
import { signedShopifyOrderHeaders } from '../support/signed-deliveries';
import { RouterUnderTest, signedClerkHeaders, WebhookRouterHarness } from '../support/webhook-router-harness';
import { testTenant } from '../support/test-tenants';

/**
 * The webhook router against real PostgreSQL and registry, Kafka unreachable (admitted deliveries
 * end in the spool): its admission limit, and what it does with hostile input.
 */
const shop = testTenant('admission-store', { shopifyWebhookSecrets: ['shopify-secret'] });
const clerkStore = testTenant('clerk-store', {
  clerkInstanceIds: ['ins_123'],
  clerkSigningSecrets: [`whsec_${Buffer.from('clerk-store-secret').toString('base64')}`],
});
const otherStore = testTenant('other-store', {
  clerkInstanceIds: ['ins_other'],
  clerkSigningSecrets: [`whsec_${Buffer.from('other-store-secret').toString('base64')}`],
});
const brokenStore = testTenant('broken-store', { clerkInstanceIds: ['ins_broken'], clerkSigningSecrets: ['whsec_not*base64!'] });

let harness: WebhookRouterHarness;
let oneAtATime: RouterUnderTest;
let gateway: RouterUnderTest;

beforeAll(async () => {
  harness = await WebhookRouterHarness.open('consign_gateway_router_test');
  oneAtATime = await harness.serve({ tenants: [shop], maxInFlight: 1, maxInFlightPerSender: 100 });
  gateway = await harness.serve({ tenants: [shop, clerkStore, otherStore, brokenStore], maxInFlight: 100, maxInFlightPerSender: 100 });
});

afterAll(async () => {
  await harness?.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function post(router: RouterUnderTest, path: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${router.base}${path}`, { method: 'POST', body, headers });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const shopifyOrder = (
  router: RouterUnderTest,
  body = readFixture('shopify/orders-create.json'),
  headers: Record<string, string> = {},
): Promise<Answer> => post(router, '/webhooks/shopify/order', body, { ...signedShopifyOrderHeaders(shop, body), ...headers });

/** Clerk's user.created fixture (instance ins_123) with `change` applied to its envelope. */
function clerkBody(change: (envelope: Record<string, unknown> & { data: Record<string, unknown> }) => void = () => undefined): Buffer {
  const envelope = JSON.parse(readFixture('clerk/user-created.json').toString('utf8'));
  change(envelope);
  return Buffer.from(JSON.stringify(envelope));
}

describe('webhook admission', () => {
  it('refuses a webhook beyond the in-flight limit with 503 and Retry-After, and admits again once the one in flight is answered', async () => {
    const lock = harness.dataSource.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    let first: Promise<Answer> | undefined;
    try {
      // The first delivery's claim waits for this lock, so it stays in flight.
      await lock.query('LOCK TABLE webhook_deliveries IN ACCESS EXCLUSIVE MODE');
      first = shopifyOrder(oneAtATime);
      await waitFor(
        'the first delivery to be in flight',
        async () => ((await metricTotal(oneAtATime.registry, 'consign_webhook_requests_in_flight')) === 1 ? true : undefined),
        10_000,
        20,
      );

      const refused = await shopifyOrder(oneAtATime);
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('5');
      expect(refused.body).toMatchObject({ code: 'gateway.overloaded', retriable: true });
      expect(await metricTotal(oneAtATime.registry, 'consign_webhook_rejections_total', { reason: 'gateway.overloaded' })).toBe(1);
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }

    expect(await first).toMatchObject({ status: 200, body: { status: 'spooled' } });
    await waitFor(
      'the in-flight count to return to zero',
      async () => ((await metricTotal(oneAtATime.registry, 'consign_webhook_requests_in_flight')) === 0 ? true : undefined),
      5_000,
      20,
    );
    expect(await shopifyOrder(oneAtATime)).toMatchObject({ status: 200, body: { status: 'spooled' } });
  }, 30_000);
});

describe('Clerk deliveries, verified before their body is parsed', () => {
  afterEach(() => jest.restoreAllMocks());

  it('refuses an unsigned 1 MiB body of private-use characters and a big integer with 401, without parsing it', async () => {
    const parse = jest.spyOn(exactJson, 'parseExactJson');
    let characters = '';
    for (let index = 0; index < 349_000; index += 1) characters += String.fromCharCode(0xe000 + (index % 0x1900));
    const body = Buffer.from(`{"type":"user.created","instance_id":"ins_123","data":{"note":"${characters}"},"n":12345678901234567890}`);
    expect(body.length).toBeLessThan(1024 * 1024);
    const answer = await post(gateway, '/webhooks/clerk', body, {
      ...signedClerkHeaders(clerkStore, body),
      'svix-signature': signedClerkHeaders(clerkStore, Buffer.from('other'))['svix-signature'],
    });
    expect(answer).toMatchObject({ status: 401, body: { code: 'svix.signature_invalid' } });
    expect(parse).not.toHaveBeenCalled();
  });

  it('refuses an unsigned body that is not even JSON with the signature error, not a parse error', async () => {
    const body = Buffer.from('{"instance_id":"ins_123","type":');
    const answer = await post(gateway, '/webhooks/clerk', body, {
      ...signedClerkHeaders(clerkStore, body),
      'svix-signature': 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
    });
    expect(answer).toMatchObject({ status: 401, body: { code: 'svix.signature_invalid' } });
  });

  it('refuses a body that names no known instance with 401 clerk.unknown_tenant', async () => {
    const body = clerkBody((envelope) => (envelope.instance_id = 'ins_nobody'));
    expect(await post(gateway, '/webhooks/clerk', body, signedClerkHeaders(clerkStore, body))).toMatchObject({
      status: 401,
      body: { code: 'clerk.unknown_tenant' },
    });
  });

  it("accepts a signed delivery for the tenant of its instance_id, found in the raw bytes, even when the body also names another tenant's instance", async () => {
    const body = clerkBody((envelope) => (envelope.data.unsafe_metadata = { instance_id: 'ins_other' }));
    expect(await post(gateway, '/webhooks/clerk', body, signedClerkHeaders(clerkStore, body))).toMatchObject({
      status: 200,
      body: { status: 'spooled' },
    });
  });

  it("refuses a delivery signed by one tenant whose top-level instance_id is another tenant's", async () => {
    const body = clerkBody((envelope) => {
      envelope.instance_id = 'ins_other';
      envelope.data.unsafe_metadata = { instance_id: 'ins_123' };
    });
    expect(await post(gateway, '/webhooks/clerk', body, signedClerkHeaders(clerkStore, body))).toMatchObject({
      status: 400,
      body: { code: 'clerk.instance_mismatch' },
    });
  });

  it("takes the tenant from ?tenant=, with an instance no tenant lists, but not with another tenant's", async () => {
    const unlisted = clerkBody((envelope) => (envelope.instance_id = 'ins_unlisted'));
    expect(await post(gateway, '/webhooks/clerk?tenant=clerk-store', unlisted, signedClerkHeaders(clerkStore, unlisted))).toMatchObject({
      status: 200,
    });
    const others = clerkBody((envelope) => (envelope.instance_id = 'ins_other'));
    expect(await post(gateway, '/webhooks/clerk?tenant=clerk-store', others, signedClerkHeaders(clerkStore, others))).toMatchObject({
      status: 400,
      body: { code: 'clerk.instance_mismatch' },
    });
  });

  it('refuses a signed body whose unsafe_metadata nests 4,000 arrays deep with 400 webhook.too_deep', async () => {
    const body = Buffer.from(
      clerkBody()
        .toString('utf8')
        .replace('"unsafe_metadata":{}', `"unsafe_metadata":{"a":${'['.repeat(4000)}${']'.repeat(4000)}}`),
    );
    expect(body.toString('utf8')).toContain('[[[[');
    expect(await post(gateway, '/webhooks/clerk', body, signedClerkHeaders(clerkStore, body))).toMatchObject({
      status: 400,
      body: { code: 'webhook.too_deep' },
    });
  });

  it('answers our own misconfigured secret with 500 and without its message', async () => {
    const body = clerkBody((envelope) => (envelope.instance_id = 'ins_broken'));
    const answer = await post(gateway, '/webhooks/clerk', body, signedClerkHeaders(clerkStore, body));
    expect(answer).toMatchObject({ status: 500, body: { code: 'svix.secret_invalid', retriable: true, reason: 'not_base64' } });
    expect(answer.body.detail).toMatch(/^the request could not be completed on our side/);
  });
});

describe('hostile Shopify bodies', () => {
  it('refuses a signed body nested 10,000 deep with 400 webhook.too_deep', async () => {
    const body = Buffer.from(`{"id":820982911946154508,"note_attributes":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(await shopifyOrder(gateway, body)).toMatchObject({ status: 400, body: { code: 'webhook.too_deep' } });
  });

  it('refuses a signed body with a million-digit id with 400 webhook.number_too_long', async () => {
    const body = Buffer.from(`{"id":${'8'.repeat(1_000_000)}}`);
    expect(await shopifyOrder(gateway, body)).toMatchObject({ status: 400, body: { code: 'webhook.number_too_long' } });
  });

  it.each([
    ['an unknown Content-Encoding', 'foo', Buffer.from('{}'), 415, 'http.unsupported_encoding'],
    ['corrupt gzip', 'gzip', Buffer.from('this is not gzip'), 400, 'http.body_encoding_invalid'],
    ['truncated gzip', 'gzip', gzipSync(readFixture('shopify/orders-create.json')).subarray(0, 100), 400, 'http.body_encoding_invalid'],
    ['corrupt deflate', 'deflate', Buffer.from('this is not deflate'), 400, 'http.body_encoding_invalid'],
    ['corrupt Brotli', 'br', Buffer.from('this is not brotli at all'), 400, 'http.body_encoding_invalid'],
    ['corrupt Zstandard', 'zstd', Buffer.from('this is not zstd at all'), 400, 'http.body_encoding_invalid'],
  ])('refuses %s with a 4xx that no sender retries as an outage', async (_name, encoding, body, status, code) => {
    const answer = await shopifyOrder(gateway, body, { 'content-encoding': encoding });
    expect(answer).toMatchObject({ status, body: { code, retriable: false } });
    expect(await metricTotal(gateway.registry, 'consign_webhook_rejections_total', { reason: code })).toBeGreaterThan(0);
  });
});

describe('what /metrics counts', () => {
  it('counts each delivery once by source, webhook topic and outcome, with unbounded topics folded, and shows the spool', async () => {
    const counted = await harness.serve({ tenants: [shop], maxInFlight: 100, maxInFlightPerSender: 100 });
    const body = readFixture('shopify/orders-create.json');
    const headers = signedShopifyOrderHeaders(shop, body);
    // Kafka is unreachable here: the first lands in the spool, the repeat is a duplicate.
    expect(await post(counted, '/webhooks/shopify/order', body, headers)).toMatchObject({ status: 200, body: { status: 'spooled' } });
    expect(await post(counted, '/webhooks/shopify/order', body, headers)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(
      await post(counted, '/webhooks/shopify', body, {
        ...signedShopifyOrderHeaders(shop, body),
        'x-shopify-topic': 'made/up-by-a-sender',
      }),
    ).toMatchObject({ status: 400 });
    expect(await post(counted, '/webhooks/shopify/order', body, { ...headers, 'x-shopify-hmac-sha256': 'forged' })).toMatchObject({
      status: 401,
    });

    const deliveries = (labels: Record<string, string>) =>
      metricTotal(counted.registry, 'consign_webhook_deliveries_total', { source: 'shopify', ...labels });
    expect(await deliveries({ topic: 'orders/create', outcome: 'spooled' })).toBe(1);
    expect(await deliveries({ topic: 'orders/create', outcome: 'duplicate' })).toBe(1);
    expect(await deliveries({ topic: 'unsupported', outcome: 'rejected' })).toBe(1);
    // Refused before its topic was read.
    expect(await deliveries({ topic: 'none', outcome: 'rejected' })).toBe(1);
    expect(await deliveries({})).toBe(4);
    expect(
      await metricTotal(counted.registry, 'consign_webhook_rejections_total', { source: 'shopify', reason: 'shopify.topic_not_supported' }),
    ).toBe(1);
    expect(
      await metricTotal(counted.registry, 'consign_webhook_rejections_total', { source: 'shopify', reason: 'shopify.signature_invalid' }),
    ).toBe(1);
    expect(await metricTotal(counted.registry, 'consign_webhook_ack_duration_seconds', {})).toBeGreaterThan(0);
    const exposition = await counted.registry.metrics();
    expect(exposition).not.toContain('made/up-by-a-sender');
    expect(exposition).toMatch(
      /^consign_http_requests_total\{listener="public",method="POST",route="\/webhooks\/shopify\/order",status="200"\} 2$/m,
    );

    expect(await metricTotal(counted.registry, 'consign_spool_deliveries')).toBeGreaterThanOrEqual(1);
    expect(await metricTotal(counted.registry, 'consign_spool_oldest_age_seconds')).toBeGreaterThan(0);
  });
});
