import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import fc from 'fast-check';
import { EventPublisher } from '@consign/kafka';
import {
  describeExchange,
  extraHeaders,
  fieldReplacement,
  fuzzParameters,
  FuzzTally,
  headerValue,
  hostileBody,
  jsonText,
  mutatedJson,
  queryString,
  readFixture,
  WireAnswer,
  WireRequest,
} from '@consign/test-support';
import { signShopifyBody, signSvixBody } from '@consign/webhook-gateway';
import { RouterUnderTest, WebhookRouterHarness } from '../support/webhook-router-harness';
import { testTenant } from '../support/test-tenants';

/**
 * Generated requests against every webhook endpoint of the real router (real PostgreSQL and
 * registry, Kafka unreachable so accepted deliveries spool): validly signed fixtures with mutated
 * fields, so that the mapping and validation run and not only the signature check; unsigned and
 * hostile requests; and header lines that break HTTP framing. Every request is answered below 500
 * (the admission limits are out of reach), a request not answered 200 leaves no delivery
 * record, no spooled record and no publish attempt behind, and a 200 left exactly what it says.
 */
const runs = { shopifySigned: 900, clerkSigned: 600, unsigned: 300, framing: 60 };
const minimumRequests = 1_500;

const secret = (text: string) => `whsec_${Buffer.from(text).toString('base64')}`;
// Two secrets each, as during a rotation; the Clerk instances are the fixtures'.
const shop = testTenant('fuzz-store', {
  shopifyWebhookSecrets: ['fuzz-shopify-secret', 'fuzz-shopify-old'],
  clerkInstanceIds: ['ins_123', 'ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S'],
  clerkSigningSecrets: [secret('fuzz-clerk'), secret('fuzz-clerk-old')],
});
const other = testTenant('other-store', {
  shopifyWebhookSecrets: ['other-shopify-secret'],
  clerkInstanceIds: ['ins_other'],
  clerkSigningSecrets: [secret('other-clerk')],
});
const signers = { own: 0, rotated: 1 } as const;

const shopifyFixtures = [
  { file: 'shopify/orders-create.json', topics: ['orders/create', 'orders/updated', 'orders/paid'], path: '/webhooks/shopify/order' },
  { file: 'shopify/orders-cancelled.json', topics: ['orders/cancelled'], path: '/webhooks/shopify/order/cancelled' },
  { file: 'shopify/inventory-levels-update.json', topics: ['inventory_levels/update'], path: '/webhooks/shopify/inventory' },
  { file: 'shopify/products-create.json', topics: ['products/create', 'products/update'], path: '/webhooks/shopify/product' },
  { file: 'development/products-update-consignor.json', topics: ['products/update'], path: '/webhooks/shopify/product' },
  { file: 'development/refunds-create.json', topics: ['refunds/create'], path: '/webhooks/shopify/refund' },
].map((fixture) => ({ ...fixture, sample: JSON.parse(readFixture(fixture.file).toString('utf8')) as unknown }));
const clerkFixtures = ['clerk/user-created.json', 'clerk/user-updated.json'].map(
  (file) => JSON.parse(readFixture(file).toString('utf8')) as unknown,
);
const webhookPaths = [
  '/webhooks/shopify',
  '/webhooks/shopify/order',
  '/webhooks/shopify/order/cancelled',
  '/webhooks/shopify/refund',
  '/webhooks/shopify/inventory',
  '/webhooks/shopify/product',
  '/webhooks/clerk',
  '/webhooks/clerk/user',
  '/webhooks/clerk/user/updated',
];
const shopifyTopics = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'inventory_levels/update',
  'products/create',
  'products/update',
];
const clerkTypes = ['user.created', 'user.updated', 'user.deleted'];

/** What changes a signed request after signing: a header dropped, replaced or sent twice. */
const headerEdits = (names: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.record({ name: fc.constantFrom(...names), change: fc.constantFrom('drop', 'replace', 'repeat'), value: headerValue }),
        { minLength: 1, maxLength: 2 },
      ),
    },
  );
type HeaderEdit = { name: string; change: 'drop' | 'replace' | 'repeat'; value: string };

function edited(headers: Array<[string, string]>, edits: readonly HeaderEdit[]): Array<[string, string]> {
  let result = headers;
  for (const { name, change, value } of edits) {
    if (change === 'drop') result = result.filter(([candidate]) => candidate !== name);
    else if (change === 'replace') result = [...result.filter(([candidate]) => candidate !== name), [name, value]];
    else result = [...result, [name, value]];
  }
  return result;
}

/** The body's bytes on the wire: mostly as signed, sometimes compressed (the signature covers the decoded body), sometimes with a bogus encoding. */
const encoding = fc.oneof(
  { weight: 10, arbitrary: fc.constant('identity') },
  { weight: 2, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'zstd') },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'x-unknown', 'gzip, br', '') },
);
const compressors: Record<string, (body: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
  zstd: zstdCompressSync,
};

function encoded(body: Buffer, contentEncoding: string): { body: Buffer; headers: Array<[string, string]> } {
  if (contentEncoding === 'identity') return { body, headers: [] };
  const compress = compressors[contentEncoding];
  return { body: compress ? compress(body) : body, headers: [['content-encoding', contentEncoding]] };
}

/**
 * The JSON text of `value` with, sometimes, a key repeated at its top level: JSON.parse keeps the
 * last value, a scan of the raw bytes may see the first.
 */
const withRepeatedKey = (value: unknown) =>
  fc
    .oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constantFrom('id', 'type', 'instance_id', 'data', 'line_items', 'inventory_item_id', 'variants', '__proto__', 'constructor'),
          fieldReplacement,
        ),
      },
    )
    .map((repeat) => {
      const text = jsonText(value);
      if (repeat === null || !text.endsWith('}') || text === '{}') return Buffer.from(text);
      return Buffer.from(`${text.slice(0, -1)},${JSON.stringify(repeat[0])}:${jsonText(repeat[1])}}`);
    });

/** A body: a fixture with mutated fields (mostly), the fixture itself, or anything at all. */
const bodyFrom = (sample: unknown) =>
  fc.oneof(
    { weight: 12, arbitrary: mutatedJson(sample).chain(withRepeatedKey) },
    { weight: 2, arbitrary: fc.constant(Buffer.from(jsonText(sample))) },
    { weight: 1, arbitrary: hostileBody },
  );

// Mostly JSON, so that most requests get past the media type check to the signature.
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('Application/JSON; charset=utf-8', 'application/json; charset=latin1', 'text/plain') },
  { weight: 1, arbitrary: headerValue },
);

const shopifySigned = fc.constantFrom(...shopifyFixtures).chain((fixture) =>
  fc.record({
    fixture: fc.constant(fixture.file),
    path: fc.oneof(
      { weight: 6, arbitrary: fc.constant(fixture.path) },
      { weight: 2, arbitrary: fc.constant('/webhooks/shopify') },
      { weight: 1, arbitrary: fc.constantFrom(...webhookPaths) },
    ),
    topic: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...fixture.topics) },
      { weight: 1, arbitrary: fc.constantFrom(...shopifyTopics) },
      { weight: 1, arbitrary: headerValue },
    ),
    body: bodyFrom(fixture.sample),
    signer: fc.oneof(
      { weight: 6, arbitrary: fc.constant<'own' | 'rotated' | 'other'>('own') },
      { weight: 1, arbitrary: fc.constantFrom<'own' | 'rotated' | 'other'>('rotated', 'other') },
    ),
    // Mostly fresh, sometimes a repeat: Shopify retries a delivery with the same id.
    webhookId: fc.oneof({ weight: 8, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constant('repeated-webhook-id') }),
    contentType,
    encoding,
    edits: headerEdits([
      'x-shopify-topic',
      'x-shopify-shop-domain',
      'x-shopify-webhook-id',
      'x-shopify-event-id',
      'x-shopify-triggered-at',
      'x-shopify-hmac-sha256',
      'content-type',
    ]),
  }),
);

type ShopifyPlan = typeof shopifySigned extends fc.Arbitrary<infer T> ? T : never;

function shopifyRequest(plan: ShopifyPlan): WireRequest {
  const signer = plan.signer === 'other' ? other : shop;
  const hmac = signShopifyBody(plan.body, signer.shopifyWebhookSecrets[plan.signer === 'rotated' ? signers.rotated : signers.own]);
  const { body, headers } = encoded(plan.body, plan.encoding);
  return {
    method: 'POST',
    target: plan.path,
    headers: edited(
      [
        ['content-type', plan.contentType],
        ['x-shopify-topic', plan.topic],
        ['x-shopify-shop-domain', shop.shopDomain],
        ['x-shopify-webhook-id', plan.webhookId],
        ['x-shopify-event-id', `${plan.webhookId}-event`],
        ['x-shopify-triggered-at', '2026-03-01T10:00:00Z'],
        ['x-shopify-hmac-sha256', hmac],
        ...headers,
      ],
      plan.edits,
    ),
    body,
  };
}

const clerkSigned = fc.record({
  // The type set after mutation, so that every type's mapping sees mutated bodies.
  envelope: fc.constantFrom(...clerkFixtures).chain(mutatedJson),
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.constantFrom(...clerkTypes) },
    { weight: 1, arbitrary: headerValue },
  ),
  // A top-level member replaced or added, "__proto__" among them.
  repeat: fc.oneof(
    { weight: 5, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('instance_id', 'object', 'timestamp', 'data', '__proto__'), fieldReplacement) },
  ),
  path: fc.oneof(
    { weight: 4, arbitrary: fc.constant('/webhooks/clerk') },
    { weight: 2, arbitrary: fc.constantFrom('/webhooks/clerk/user', '/webhooks/clerk/user/updated') },
    { weight: 1, arbitrary: fc.constantFrom(...webhookPaths) },
  ),
  query: fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom(`?tenant=${shop.id}`, `?tenant=${other.id}`) },
    { weight: 1, arbitrary: queryString(['tenant'], () => headerValue) },
  ),
  signer: fc.oneof(
    { weight: 6, arbitrary: fc.constant<'own' | 'rotated' | 'other'>('own') },
    { weight: 1, arbitrary: fc.constantFrom<'own' | 'rotated' | 'other'>('rotated', 'other') },
  ),
  messageId: fc.oneof({ weight: 8, arbitrary: fc.uuid().map((id) => `msg_${id}`) }, { weight: 1, arbitrary: fc.constant('msg_repeated') }),
  // Seconds off the clock: beyond the 300 s tolerance either way sometimes.
  skewSeconds: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1_000, max: 1_000 }) }),
  headerSet: fc.constantFrom('svix', 'svix', 'svix', 'webhook'),
  contentType,
  encoding,
  edits: headerEdits([
    'svix-id',
    'svix-timestamp',
    'svix-signature',
    'webhook-id',
    'webhook-timestamp',
    'webhook-signature',
    'content-type',
  ]),
});

type ClerkPlan = typeof clerkSigned extends fc.Arbitrary<infer T> ? T : never;

function clerkRequest(plan: ClerkPlan): WireRequest {
  const envelope =
    plan.type !== undefined && typeof plan.envelope === 'object' && plan.envelope !== null && !Array.isArray(plan.envelope)
      ? { ...plan.envelope, type: plan.type }
      : plan.envelope;
  const raw =
    plan.repeat === null || typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)
      ? Buffer.from(jsonText(envelope))
      : Buffer.from(jsonText({ ...envelope, [plan.repeat[0]]: plan.repeat[1] }));
  const signer = plan.signer === 'other' ? other : shop;
  const timestamp = Math.floor(Date.now() / 1000) + plan.skewSeconds;
  const signature = signSvixBody(
    raw,
    signer.clerkSigningSecrets[plan.signer === 'rotated' ? signers.rotated : signers.own],
    plan.messageId,
    timestamp,
  );
  const { body, headers } = encoded(raw, plan.encoding);
  const prefix = plan.headerSet;
  return {
    method: 'POST',
    target: `${plan.path}${plan.query}`,
    headers: edited(
      [
        ['content-type', plan.contentType],
        [`${prefix}-id`, plan.messageId],
        [`${prefix}-timestamp`, String(timestamp)],
        [`${prefix}-signature`, signature],
        ...headers,
      ],
      plan.edits,
    ),
    body,
  };
}

/** Requests nobody signed: any method, path, headers a sender might set, and body. */
const unsigned = fc
  .record({
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH') },
    ),
    path: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...webhookPaths) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '/webhooks',
          '/webhooks/shopify/orders',
          '/WEBHOOKS/SHOPIFY/',
          '/webhooks/clerk//user',
          '/webhooks/%2e%2e/clerk',
          '/healthz',
        ),
      },
    ),
    query: queryString(['tenant'], () => headerValue),
    contentType: fc.option(contentType, { freq: 4 }),
    headers: fc.array(
      fc.tuple(
        fc.constantFrom(
          'content-type',
          'content-encoding',
          'x-shopify-topic',
          'x-shopify-shop-domain',
          'x-shopify-hmac-sha256',
          'shopify-hmac-sha256',
          'x-shopify-webhook-id',
          'svix-id',
          'svix-timestamp',
          'svix-signature',
          'webhook-signature',
        ),
        fc.oneof(
          headerValue,
          fc.constantFrom(
            'application/json',
            shop.shopDomain,
            other.shopDomain,
            'orders/create',
            'user.created',
            `${Math.floor(Date.now() / 1000)}`,
            'v1,AAAA',
            'gzip',
          ),
        ),
      ),
      { maxLength: 8 },
    ),
    extra: extraHeaders,
    body: fc.option(hostileBody, { freq: 8 }),
  })
  .map(({ method, path, query, contentType, headers, extra, body }): WireRequest => ({
    method,
    target: `${path}${query}`,
    headers: [...(contentType === null ? [] : [['content-type', contentType] as [string, string]]), ...headers, ...extra],
    ...(body ? { body } : {}),
  }));

/**
 * Header lines that break HTTP framing: control characters, injected lines, lines without a colon,
 * folded lines, a second length. Each request has a body with its Content-Length, so that none
 * leaves the server waiting for bytes that never come.
 */
const framing = fc
  .record({
    path: fc.constantFrom(...webhookPaths),
    line: fc.oneof(
      fc
        .tuple(
          fc.constantFrom('x-shopify-topic', 'content-type', 'svix-id'),
          fc.constantFrom('\u0000', '\r', '\n', '\r\nx-injected: 1', '\r\n\r\n{}', '\u007f', '\u000b'),
        )
        .map(([name, junk]) => `${name}: a${junk}b`),
      fc.constantFrom(
        'no colon here',
        ': empty name',
        ' folded: line',
        'bad name: x',
        'x-\u00e9: y',
        'content-length: 5',
        'transfer-encoding: chunked',
        'content-length: -1',
      ),
    ),
    body: hostileBody,
  })
  .map(({ path, line, body }): WireRequest => {
    const [name, ...value] = line.split(':');
    return {
      method: 'POST',
      target: path,
      headers: [
        ['content-type', 'application/json'],
        [name, value.join(':')],
      ],
      body,
    };
  });

let harness: WebhookRouterHarness;
let gateway: RouterUnderTest;
const tally = new FuzzTally();
const startedAt = Date.now();
const publishAttempts = jest.spyOn(EventPublisher.prototype, 'publishAll');

beforeAll(async () => {
  harness = await WebhookRouterHarness.open('consign_gateway_fuzz');
  gateway = await harness.serve({ tenants: [shop, other], maxInFlight: 10_000, maxInFlightPerSender: 10_000 });
});

afterAll(async () => {
  publishAttempts.mockRestore();
  await harness?.close();
  console.log(tally.summary('webhook endpoints', startedAt));
});

/** What a delivery leaves behind: its record, spooled records, and publish attempts. */
async function traces(): Promise<{ deliveries: number; spooled: number; publishes: number }> {
  const [row] = (await harness.dataSource.query(
    'SELECT (SELECT count(*) FROM webhook_deliveries)::int AS deliveries, (SELECT count(*) FROM webhook_spool)::int AS spooled',
  )) as Array<{ deliveries: number; spooled: number }>;
  return { ...row, publishes: publishAttempts.mock.calls.length };
}

/** Sends one request and checks its answer against what it left behind. */
async function exchange(area: string, request: WireRequest): Promise<WireAnswer> {
  const before = await traces();
  const answer = await tally.send(area, gateway.base, request);
  const after = await traces();
  const shown = describeExchange(request, answer);
  if (answer.status >= 500) throw new Error(`server error: ${shown}`);
  // Only a POST is a delivery; any other 2xx (Express' OPTIONS answer, the probes) must leave nothing either.
  if (answer.status !== 200 || request.method !== 'POST') {
    if (after.deliveries !== before.deliveries || after.spooled !== before.spooled || after.publishes !== before.publishes) {
      throw new Error(`refused, yet left ${JSON.stringify({ before, after })} behind: ${shown}`);
    }
    return answer;
  }
  // A new delivery spools its records; a repeat of one adds nothing, a new delivery of an event already seen adds its own record only.
  const outcome = (JSON.parse(answer.body.toString('utf8')) as { status?: string }).status;
  const added = { deliveries: after.deliveries - before.deliveries, spooled: after.spooled - before.spooled };
  const consistent =
    outcome === 'spooled'
      ? added.deliveries === 1 && added.spooled === 1
      : outcome === 'duplicate' && added.deliveries <= 1 && added.spooled === 0;
  if (!consistent) throw new Error(`answered 200 ${outcome ?? 'without a status'}, leaving ${JSON.stringify({ before, after })}: ${shown}`);
  return answer;
}

describe('every webhook endpoint under generated requests', () => {
  it(`validly signed Shopify deliveries with mutated fields (${runs.shopifySigned})`, async () => {
    await fc.assert(
      fc.asyncProperty(shopifySigned, async (plan) => void (await exchange('shopify-signed', shopifyRequest(plan)))),
      fuzzParameters(runs.shopifySigned),
    );
  }, 60_000);

  it(`validly signed Clerk deliveries with mutated fields (${runs.clerkSigned})`, async () => {
    await fc.assert(
      fc.asyncProperty(clerkSigned, async (plan) => void (await exchange('clerk-signed', clerkRequest(plan)))),
      fuzzParameters(runs.clerkSigned),
    );
  }, 60_000);

  it(`unsigned requests of any shape (${runs.unsigned})`, async () => {
    await fc.assert(
      fc.asyncProperty(unsigned, async (request) => void (await exchange('unsigned', request))),
      fuzzParameters(runs.unsigned),
    );
  }, 60_000);

  it(`header lines that break HTTP framing (${runs.framing})`, async () => {
    await fc.assert(
      fc.asyncProperty(framing, async (request) => void (await exchange('framing', request))),
      fuzzParameters(runs.framing),
    );
  }, 60_000);

  it('still answers afterwards, and generated enough requests', async () => {
    const body = Buffer.from(jsonText(shopifyFixtures[2].sample));
    const answer = await exchange(
      'shopify-signed',
      shopifyRequest({
        fixture: shopifyFixtures[2].file,
        path: '/webhooks/shopify/inventory',
        topic: 'inventory_levels/update',
        body,
        signer: 'own',
        webhookId: 'final-check',
        contentType: 'application/json',
        encoding: 'identity',
        edits: [],
      }),
    );
    expect(answer.status).toBe(200);
    expect(tally.total()).toBeGreaterThanOrEqual(minimumRequests);
  });
});
