import { randomBytes, randomUUID } from 'node:crypto';
import { topics } from '@consign/contracts';
import { developmentKeyEncryptionKeys } from '@consign/personal-data';
import {
  clerkUserBody,
  inventoryLevelBody,
  orderBody,
  productBody,
  readTopic,
  shopifyId,
  testEndpoints,
  waitFor,
  WebhookSender,
} from '@consign/test-support';
import { AppName, PlatformUnderTest } from './support/platform-under-test';
import { TraceCollector } from './support/trace-collector';

/**
 * The four services behind the gateway, each its own process with its own database, over the real
 * Kafka, registry, PostgreSQL and SMTP sink: consignors sign up, their items sell, earnings are
 * recorded and emailed, and nothing changes when deliveries repeat or topics are replayed.
 */
const run = randomUUID().slice(0, 8);
const tenantId = 'dev-store';
const mailSink = testEndpoints().mailSinkUrl;
const traces = new TraceCollector();
let platform: PlatformUnderTest;
let webhooks: WebhookSender;

interface Consignor {
  consignorId: string;
  clerkUserId: string | null;
  email: string | null;
  status: string;
  commissionRateBasisPoints: number;
  shopifyTag: string | null;
}
interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}
interface LedgerEntry {
  consignorId: string;
  lineItemId: string;
  type: 'sale' | 'reversal';
  quantity: number;
  grossMinor: number;
  commissionRateBasisPoints: number;
  consignorShareMinor: number;
  storeShareMinor: number;
  currency: string;
}

const people = {
  alice: { id: `user_e2e_${run}_alice`, email: `alice.${run}@example.test`, firstName: 'Alice', lastName: 'Archer' },
  bob: { id: `user_e2e_${run}_bob`, email: `bob.${run}@example.test`, firstName: 'Bob', lastName: 'Baker' },
};
const consignorIds: Record<keyof typeof people, string> = { alice: '', bob: '' };

async function mailTo(address: string): Promise<MailMessage[]> {
  const response = await fetch(`${mailSink}/api/messages?to=${encodeURIComponent(address)}`);
  if (!response.ok) throw new Error(`mail sink answered ${response.status}`);
  const body = (await response.json()) as MailMessage[] | { messages: MailMessage[] };
  return Array.isArray(body) ? body : body.messages;
}

async function consignorOf(clerkUserId: string): Promise<Consignor | undefined> {
  const listed = await platform.read<{ consignors: Consignor[] }>('consignor-service', `/clients/${tenantId}/consignors`);
  return listed.consignors.find((consignor) => consignor.clerkUserId === clerkUserId);
}

async function ledgerOf(orderId: number): Promise<LedgerEntry[]> {
  const body = await platform.read<{ entries: LedgerEntry[] }>('earnings-service', `/orders/${orderId}/earnings?tenantId=${tenantId}`);
  return body.entries;
}

interface Item {
  variantId: string;
  consignorId: string | null;
  quantity: number;
  status: string;
}

async function itemOf(variantId: number): Promise<Item> {
  const body = await platform.read<Item | { item: Item }>('inventory-service', `/items/${variantId}?tenantId=${tenantId}`);
  return 'item' in body ? body.item : body;
}

async function snapshotAll(exclude?: string[]): Promise<Record<string, Record<string, unknown[]>>> {
  const apps: AppName[] = ['inventory-service', 'earnings-service', 'consignor-service', 'notification-service'];
  const result: Record<string, Record<string, unknown[]>> = {};
  for (const app of apps) result[app] = await platform.snapshot(app, exclude);
  return result;
}

async function mailCount(): Promise<number> {
  const counts = await Promise.all(Object.values(people).map((person) => mailTo(person.email)));
  return counts.reduce((sum, messages) => sum + messages.length, 0);
}

beforeAll(async () => {
  await traces.start();
  // A short grace period, so that what waits for a product or consignor that never comes is listed within the test.
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'earnings-service', 'consignor-service', 'notification-service'],
    { OTEL_EXPORTER_OTLP_ENDPOINT: traces.url },
    { 'inventory-service': { INVENTORY_HOLD_GRACE_PERIOD: '2s' }, 'earnings-service': { EARNINGS_HOLD_GRACE_PERIOD: '2s' } },
  );
  webhooks = new WebhookSender(platform.urls.gateway);
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await traces.stop();
});

describe('consignor sign-up through Clerk', () => {
  it('creates the consignor from user.created, with the client default rate, and sends one welcome email', async () => {
    for (const person of Object.values(people)) await webhooks.clerk(clerkUserBody('user.created', person));
    await platform.settled();
    for (const name of Object.keys(people) as Array<keyof typeof people>) {
      const consignor = await consignorOf(people[name].id);
      expect(consignor).toMatchObject({ email: people[name].email, status: 'active', commissionRateBasisPoints: 4000 });
      consignorIds[name] = consignor?.consignorId ?? '';
      expect(consignor?.shopifyTag).toBe(`consignor:${consignorIds[name]}`);
      const welcome = await waitFor(
        `the welcome email to ${name}`,
        async () => ((await mailTo(people[name].email)).length > 0 ? mailTo(people[name].email) : undefined),
        30_000,
      );
      expect(welcome).toHaveLength(1);
      expect(welcome[0].subject).toMatch(/welcome/i);
    }
  });

  it('holds and flags a user whose client cannot be determined, and sends nothing', async () => {
    const stray = { id: `user_e2e_${run}_stray`, email: `stray.${run}@example.test`, publicMetadata: { clientId: 'no-such-store' } };
    await webhooks.clerk(clerkUserBody('user.created', stray));
    await platform.settled();
    const held = await platform.read<unknown>('consignor-service', '/held');
    expect(JSON.stringify(held)).toContain(stray.id);
    expect(JSON.stringify(held)).toContain('no-such-store');
    expect(await mailTo(stray.email)).toHaveLength(0);
  });
});

describe('an order with lines from two consignors and one store-owned line', () => {
  const alicesJacket = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
  const bobsScarf = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
  const storeMug = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
  const order = {
    id: shopifyId(),
    name: `#E2E-${run}`,
    lines: [
      {
        id: shopifyId(),
        productId: alicesJacket.product,
        variantId: alicesJacket.variant,
        title: 'Wool jacket',
        quantity: 1,
        price: '120.00',
        discount: '20.00',
      },
      { id: shopifyId(), productId: bobsScarf.product, variantId: bobsScarf.variant, title: 'Silk scarf', quantity: 2, price: '25.50' },
      { id: shopifyId(), productId: storeMug.product, variantId: storeMug.variant, title: 'Store mug', quantity: 1, price: '10.00' },
    ],
  };
  let orderDelivery: { webhookId: string; eventId: string; body: string; traceEventId: string };

  beforeAll(async () => {
    const products = [
      { ids: alicesJacket, title: 'Wool jacket', tags: ['outerwear', `consignor:${consignorIds.alice}`], quantity: 1, price: '120.00' },
      { ids: bobsScarf, title: 'Silk scarf', tags: [`consignor:${consignorIds.bob}`], quantity: 3, price: '25.50' },
      { ids: storeMug, title: 'Store mug', tags: ['house'], quantity: 5, price: '10.00' },
    ];
    for (const product of products) {
      await webhooks.shopify(
        'products/create',
        productBody({
          id: product.ids.product,
          title: product.title,
          tags: product.tags,
          variants: [
            {
              id: product.ids.variant,
              inventoryItemId: product.ids.inventoryItem,
              sku: `SKU-${product.ids.variant}`,
              price: product.price,
              quantity: product.quantity,
            },
          ],
        }),
      );
    }
    await platform.settled();
  });

  it('sells both consignors\' items, records two exact ledger entries, sends two "sold" emails and nothing for the store line', async () => {
    const body = orderBody({ ...order, financialStatus: 'paid' });
    const ids = { webhookId: randomUUID(), eventId: randomUUID() };
    const accepted = await webhooks.shopify('orders/create', body, ids);
    orderDelivery = { ...ids, body, traceEventId: accepted.eventId };
    await platform.settled();

    expect(await itemOf(alicesJacket.variant)).toMatchObject({ consignorId: consignorIds.alice, quantity: 0, status: 'sold' });
    expect(await itemOf(bobsScarf.variant)).toMatchObject({ consignorId: consignorIds.bob, quantity: 1, status: 'available' });
    expect(await itemOf(storeMug.variant)).toMatchObject({ consignorId: null, quantity: 5 });

    const entries = await ledgerOf(order.id);
    expect(
      entries.map(
        ({ consignorId, lineItemId, quantity, grossMinor, commissionRateBasisPoints, consignorShareMinor, storeShareMinor, currency }) => ({
          consignorId,
          lineItemId,
          quantity,
          grossMinor,
          commissionRateBasisPoints,
          consignorShareMinor,
          storeShareMinor,
          currency,
        }),
      ),
    ).toEqual(
      expect.arrayContaining([
        // 1 × 120.00 − 20.00 discount = 100.00; the consignor keeps 60 %.
        {
          consignorId: consignorIds.alice,
          lineItemId: String(order.lines[0].id),
          quantity: 1,
          grossMinor: 10000,
          commissionRateBasisPoints: 4000,
          consignorShareMinor: 6000,
          storeShareMinor: 4000,
          currency: 'USD',
        },
        // 2 × 25.50 = 51.00; 60 % is 30.60.
        {
          consignorId: consignorIds.bob,
          lineItemId: String(order.lines[1].id),
          quantity: 2,
          grossMinor: 5100,
          commissionRateBasisPoints: 4000,
          consignorShareMinor: 3060,
          storeShareMinor: 2040,
          currency: 'USD',
        },
      ]),
    );
    expect(entries).toHaveLength(2);

    const soldToAlice = await waitFor(
      'the sold email to Alice',
      async () => ((await mailTo(people.alice.email)).length >= 2 ? mailTo(people.alice.email) : undefined),
      30_000,
    );
    const soldToBob = await waitFor(
      'the sold email to Bob',
      async () => ((await mailTo(people.bob.email)).length >= 2 ? mailTo(people.bob.email) : undefined),
      30_000,
    );
    expect(soldToAlice).toHaveLength(2);
    expect(soldToBob).toHaveLength(2);
    const aliceSold = soldToAlice.find((message) => !/welcome/i.test(message.subject));
    const bobSold = soldToBob.find((message) => !/welcome/i.test(message.subject));
    expect(aliceSold?.text).toContain('Wool jacket');
    expect(aliceSold?.text).toContain('$60.00');
    expect(bobSold?.text).toContain('Silk scarf');
    expect(bobSold?.text).toContain('$30.60');
  });

  it('answers a repeated delivery and the same Shopify event in another delivery without any change', async () => {
    const before = await snapshotAll();
    const mails = await mailCount();
    const again = await webhooks.shopify('orders/create', orderDelivery.body, {
      webhookId: orderDelivery.webhookId,
      eventId: orderDelivery.eventId,
    });
    const sameEvent = await webhooks.shopify('orders/create', orderDelivery.body, { eventId: orderDelivery.eventId });
    expect([again.status, sameEvent.status]).toEqual(['duplicate', 'duplicate']);
    await platform.settled();
    expect(await snapshotAll()).toEqual(before);
    expect(await mailCount()).toBe(mails);
  });

  it('changes no projection when the same order arrives as a new event (after the dedupe window, or replayed webhooks)', async () => {
    const before = await snapshotAll(['schema_migrations', 'processed_events']);
    const mails = await mailCount();
    await webhooks.shopify('orders/create', orderDelivery.body);
    await platform.settled();
    expect(await snapshotAll(['schema_migrations', 'processed_events'])).toEqual(before);
    expect(await mailCount()).toBe(mails);
  });

  it('changes no table and sends no email when the order topic is replayed from its earliest offset', async () => {
    const before = await snapshotAll();
    const mails = await mailCount();
    for (const app of ['inventory-service', 'earnings-service'] as const) {
      await platform.stop(app);
      await platform.rewindToEarliest(app, topics.shopifyOrders.name);
    }
    await platform.restart('inventory-service');
    await platform.restart('earnings-service');
    await platform.settled(120_000);
    expect(await snapshotAll()).toEqual(before);
    expect(await mailCount()).toBe(mails);
  }, 240_000);

  it('shows the whole path in one trace: gateway → Kafka → consumer → outbox → next consumer', async () => {
    const spans = await waitFor(
      'the spans of the order to reach the collector',
      async () => {
        const request = traces.spans.find((span) => span.service === 'gateway' && span.parentSpanId === '' && span.name.startsWith('POST'));
        const candidates = traces.spans.filter(
          (span) => span.service === 'notification-service' && span.name === `process ${topics.earnings.name}`,
        );
        const complete = candidates
          .map((span) => traces.trace(span.traceId))
          .find((trace) => trace.some((span) => span.service === 'gateway' && span.parentSpanId === ''));
        return request && complete ? complete : undefined;
      },
      30_000,
    );
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const notification = spans.find((span) => span.service === 'notification-service' && span.name === `process ${topics.earnings.name}`);
    const path: string[] = [];
    for (let span = notification; span; span = byId.get(span.parentSpanId)) path.unshift(`${span.service}: ${span.name}`);
    // Every hop through Kafka is a PRODUCER span then a CONSUMER span; the earnings consumer's span is
    // the parent of its outbox relay's send: the outbox carried its context.
    expect(path).toEqual([
      expect.stringMatching(/^gateway: POST/),
      `gateway: send ${topics.shopifyOrders.name}`,
      `earnings-service: process ${topics.shopifyOrders.name}`,
      `earnings-service: send ${topics.earnings.name}`,
      `notification-service: process ${topics.earnings.name}`,
    ]);
    const kinds: string[] = [];
    for (let span = notification; span; span = byId.get(span.parentSpanId)) kinds.unshift(span.kind);
    expect(kinds).toEqual(['server', 'producer', 'consumer', 'producer', 'consumer']);
    expect(new Set(spans.map((span) => span.service))).toEqual(
      new Set(['gateway', 'inventory-service', 'earnings-service', 'notification-service']),
    );
    // Log lines written while handling the event carry its trace id.
    expect(platform.output('earnings-service')).toContain(`"trace_id":"${notification?.traceId}"`);
  });
});

describe('cancellations', () => {
  it('ends in the same state when the cancellation arrives before the order as when it follows it', async () => {
    const scenario = async (cancelFirst: boolean) => {
      const ids = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId(), order: shopifyId(), line: shopifyId() };
      await webhooks.shopify(
        'products/create',
        productBody({
          id: ids.product,
          title: 'Leather bag',
          tags: [`consignor:${consignorIds.alice}`],
          variants: [{ id: ids.variant, inventoryItemId: ids.inventoryItem, sku: `SKU-${ids.variant}`, price: '80.00', quantity: 1 }],
        }),
      );
      await platform.settled();
      const line = { id: ids.line, productId: ids.product, variantId: ids.variant, title: 'Leather bag', quantity: 1, price: '80.00' };
      const created = orderBody({ id: ids.order, name: `#C-${ids.order}`, lines: [line] });
      // Cancelled with restock: Shopify sends the refund line (restock_type cancel) that puts the bag back.
      const refunds = [
        { id: shopifyId(), lines: [{ id: shopifyId(), lineItemId: ids.line, quantity: 1, restockType: 'cancel', subtotal: '80.00' }] },
      ];
      const cancelled = orderBody({
        id: ids.order,
        name: `#C-${ids.order}`,
        cancelledAt: '2026-11-28T11:00:00-05:00',
        lines: [{ ...line, currentQuantity: 0 }],
        refunds,
      });
      const sequence: Array<[string, string]> = cancelFirst
        ? [
            ['orders/cancelled', cancelled],
            ['orders/create', created],
          ]
        : [
            ['orders/create', created],
            ['orders/cancelled', cancelled],
          ];
      for (const [topic, body] of sequence) {
        await webhooks.shopify(topic, body);
        await platform.settled();
      }
      const item = await itemOf(ids.variant);
      const ledger = (await ledgerOf(ids.order)).map(({ type, quantity, grossMinor, consignorShareMinor, storeShareMinor, currency }) => ({
        type,
        quantity,
        grossMinor,
        consignorShareMinor,
        storeShareMinor,
        currency,
      }));
      const order = await platform.read<{ state: string }>('inventory-service', `/orders/${ids.order}?tenantId=${tenantId}`);
      return {
        item: { quantity: item.quantity, status: item.status },
        ledger: ledger.sort((a, b) => a.type.localeCompare(b.type)),
        orderState: order.state,
      };
    };
    const mailsBefore = (await mailTo(people.alice.email)).length;
    const afterCreation = await scenario(false);
    const mailsAfterFirst = (await mailTo(people.alice.email)).length;
    const beforeCreation = await scenario(true);
    expect(beforeCreation).toEqual(afterCreation);
    expect(afterCreation.item).toEqual({ quantity: 1, status: 'available' });
    expect(afterCreation.orderState).toBe('cancelled');
    expect(afterCreation.ledger).toEqual([
      { type: 'reversal', quantity: 1, grossMinor: 8000, consignorShareMinor: 4800, storeShareMinor: 3200, currency: 'USD' },
      { type: 'sale', quantity: 1, grossMinor: 8000, consignorShareMinor: 4800, storeShareMinor: 3200, currency: 'USD' },
    ]);
    // Each way, Alice hears that the bag sold and that the sale was cancelled.
    await waitFor(
      'the sold and cancellation emails of both orders',
      async () => ((await mailTo(people.alice.email)).length === mailsBefore + 4 ? true : undefined),
      30_000,
    );
    expect(mailsAfterFirst - mailsBefore).toBe(2);
  });
});

describe('inventory level updates', () => {
  it('sets the level with its movement history, ignores an older update, and records an unknown inventory item for reconciliation after the grace period', async () => {
    const ids = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
    // The product as of 10:00; the level updates below are later (12:00) and in between (11:00), delivered out of order.
    await webhooks.shopify(
      'products/create',
      productBody({
        id: ids.product,
        title: 'Desk lamp',
        updatedAt: '2026-11-28T10:00:00-05:00',
        tags: [`consignor:${consignorIds.alice}`],
        variants: [{ id: ids.variant, inventoryItemId: ids.inventoryItem, sku: `SKU-${ids.variant}`, price: '30.00', quantity: 2 }],
      }),
    );
    await platform.settled();
    await webhooks.shopify(
      'inventory_levels/update',
      inventoryLevelBody({ inventoryItemId: ids.inventoryItem, available: 0, updatedAt: '2026-11-28T12:00:00-05:00' }),
    );
    await webhooks.shopify(
      'inventory_levels/update',
      inventoryLevelBody({ inventoryItemId: ids.inventoryItem, available: 7, updatedAt: '2026-11-28T11:00:00-05:00' }),
    );
    const unknownItem = shopifyId();
    await webhooks.shopify(
      'inventory_levels/update',
      inventoryLevelBody({ inventoryItemId: unknownItem, available: 3, updatedAt: '2026-11-28T12:00:00-05:00' }),
    );
    await platform.settled();

    const item = await platform.read<Item & { movements: Array<{ cause: string; delta: number; quantityAfter: number }> }>(
      'inventory-service',
      `/items/${ids.variant}?tenantId=${tenantId}`,
    );
    expect(item).toMatchObject({ quantity: 0, status: 'out_of_stock' });
    expect(item.movements.map(({ cause, delta, quantityAfter }) => ({ cause, delta, quantityAfter }))).toEqual(
      expect.arrayContaining([
        { cause: 'product_sync', delta: 2, quantityAfter: 2 },
        { cause: 'level_update', delta: -2, quantityAfter: 0 },
      ]),
    );
    expect(item.movements).toHaveLength(2);
    await waitFor(
      'the unknown inventory item to be listed for reconciliation',
      async () =>
        JSON.stringify(
          await platform.read<unknown>('inventory-service', `/reconciliation?tenantId=${tenantId}&kind=inventory_item_unknown`),
        ).includes(String(unknownItem))
          ? true
          : undefined,
      30_000,
    );
  });
});

describe('odd orders', () => {
  it('handles an unknown consignor tag, an order without customer, a zero-price line and another currency, recording each clearly', async () => {
    const stranger = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
    const freebie = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
    const euroItem = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() };
    const unknownConsignor = `not-registered-${run}`;
    for (const [ids, title, tag, price] of [
      [stranger, 'Mystery lamp', `consignor:${unknownConsignor}`, '15.00'],
      [freebie, 'Free sample', `consignor:${consignorIds.alice}`, '0.00'],
      [euroItem, 'Vintage print', `consignor:${consignorIds.bob}`, '25.50'],
    ] as const) {
      await webhooks.shopify(
        'products/create',
        productBody({
          id: ids.product,
          title,
          tags: [tag],
          variants: [{ id: ids.variant, inventoryItemId: ids.inventoryItem, sku: `SKU-${ids.variant}`, price, quantity: 1 }],
        }),
      );
    }
    await platform.settled();

    const usdOrder = shopifyId();
    const eurOrder = shopifyId();
    const strangerLine = shopifyId();
    await webhooks.shopify(
      'orders/create',
      orderBody({
        id: usdOrder,
        name: `#ODD-${run}`,
        withCustomer: false,
        lines: [
          {
            id: strangerLine,
            productId: stranger.product,
            variantId: stranger.variant,
            title: 'Mystery lamp',
            quantity: 1,
            price: '15.00',
          },
          { id: shopifyId(), productId: freebie.product, variantId: freebie.variant, title: 'Free sample', quantity: 1, price: '0.00' },
        ],
      }),
    );
    await webhooks.shopify(
      'orders/create',
      orderBody({
        id: eurOrder,
        name: `#EUR-${run}`,
        currency: 'EUR',
        lines: [
          {
            id: shopifyId(),
            productId: euroItem.product,
            variantId: euroItem.variant,
            title: 'Vintage print',
            quantity: 1,
            price: '25.50',
          },
        ],
      }),
    );
    await platform.settled();

    const usdLedger = await ledgerOf(usdOrder);
    expect(usdLedger).toHaveLength(1);
    expect(usdLedger[0]).toMatchObject({
      consignorId: consignorIds.alice,
      grossMinor: 0,
      consignorShareMinor: 0,
      storeShareMinor: 0,
      currency: 'USD',
    });
    expect(await ledgerOf(eurOrder)).toEqual([
      expect.objectContaining({ consignorId: consignorIds.bob, grossMinor: 2550, consignorShareMinor: 1530, currency: 'EUR' }),
    ]);

    // The line of the consignor who never registered waits for them, and is listed once the grace period is over.
    const exceptions = await waitFor(
      'the unknown consignor to be listed as an exception',
      async () => {
        const listed = JSON.stringify(await platform.read<unknown>('earnings-service', `/exceptions?tenantId=${tenantId}`));
        return listed.includes(unknownConsignor) ? listed : undefined;
      },
      30_000,
    );
    expect(exceptions).toContain('unknown_consignor');
    expect(exceptions).toContain(unknownConsignor);
    expect(exceptions).toContain('foreign_currency');
    expect(exceptions).toContain(String(eurOrder));

    // None of these went to a dead-letter topic (what earlier runs left on the shared topics may have), and every service is still up.
    const ours = new Set([usdOrder, eurOrder, stranger.product, freebie.product, euroItem.product].map(String));
    const admin = platform.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const group of Object.values(platform.groups)) {
        const topic = `deadletter.${group}.v1`;
        if (!existing.has(topic)) continue;
        const records = (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
        const deadLetters = records === 0 ? [] : await readTopic(testEndpoints().kafkaBrokers, topic, records);
        expect({
          topic,
          ours: deadLetters.filter((record) => ours.has(record.key)).map((record) => record.headers['dlq.error.code']),
        }).toEqual({ topic, ours: [] });
      }
    } finally {
      await admin.disconnect();
    }
    for (const app of platform.apps) expect((await fetch(`${platform.urls[app]}/healthz`)).status).toBe(200);
  });
});

describe('consignor changes through Clerk', () => {
  it('syncs the changed fields on user.updated; user.deleted deactivates and erases the person everywhere, keeping history and amounts', async () => {
    const earningsOfBob = () =>
      platform.read<{ entries: LedgerEntry[] }>('earnings-service', `/consignors/${consignorIds.bob}/earnings?tenantId=${tenantId}`);
    const bobsEarningsBefore = await earningsOfBob();
    expect(bobsEarningsBefore.entries.length).toBeGreaterThan(0);
    const newEmail = `alice.new.${run}@example.test`;
    await webhooks.clerk(
      clerkUserBody('user.updated', { ...people.alice, email: newEmail, lastName: 'Archer-Smith', updatedAt: Date.now() }),
    );
    await webhooks.clerk(clerkUserBody('user.deleted', { id: people.bob.id }));
    await platform.settled();

    const alice = await platform.read<Record<string, unknown>>('consignor-service', `/consignors/${consignorIds.alice}`);
    expect(JSON.stringify(alice)).toContain(newEmail);
    expect(JSON.stringify(alice)).toContain('Archer-Smith');
    const contact = await platform.read<Record<string, unknown>>('notification-service', `/contacts/${consignorIds.alice}`);
    expect(JSON.stringify(contact)).toContain(newEmail);

    const bob = await platform.read<{ consignor: Record<string, unknown>; history: Array<Record<string, unknown>> }>(
      'consignor-service',
      `/consignors/${consignorIds.bob}`,
    );
    expect(bob.consignor).toMatchObject({
      status: 'deactivated',
      erased: true,
      displayName: null,
      email: null,
      firstName: null,
      lastName: null,
      commissionRateBasisPoints: 4000,
    });
    expect(bob.history.map((entry) => entry.change)).toEqual(['registered', 'deactivated']);
    const bobsContact = await platform.read<Record<string, unknown>>('notification-service', `/contacts/${consignorIds.bob}`);
    expect(bobsContact).toMatchObject({ active: false, erased: true, email: null, displayName: null });
    const bobsMail = await platform.read<{ notifications: Array<Record<string, unknown>> }>(
      'notification-service',
      `/notifications?consignorId=${consignorIds.bob}`,
    );
    expect(bobsMail.notifications.length).toBeGreaterThan(0);
    expect(bobsMail.notifications.every((notification) => notification.erased === true && notification.recipient === null)).toBe(true);
    for (const answer of [bob, bobsContact, bobsMail]) expect(JSON.stringify(answer)).not.toMatch(new RegExp(`${people.bob.email}|Baker`));

    // What the databases hold, read directly: Bob's name and address nowhere in the clear, his data key gone.
    for (const app of ['consignor-service', 'notification-service'] as const) {
      const snapshot = JSON.stringify(await platform.snapshot(app));
      expect(snapshot).not.toContain(people.bob.email);
      expect(snapshot).not.toContain('Baker');
    }
    expect(
      await platform.query(
        'consignor-service',
        'SELECT wrapped_key, erased_at IS NOT NULL AS erased FROM personal_data_keys WHERE subject = $1',
        [`clerk-user:${people.bob.id}`],
      ),
    ).toEqual([{ wrapped_key: null, erased: true }]);
    expect(
      await platform.query(
        'notification-service',
        'SELECT wrapped_key, erased_at IS NOT NULL AS erased FROM personal_data_keys WHERE subject = $1',
        [`consignor:${consignorIds.bob}`],
      ),
    ).toEqual([{ wrapped_key: null, erased: true }]);
    // The gateway's key for Bob's archived webhooks (webhooks.raw.v1) is gone too.
    expect(
      await platform.query('gateway', 'SELECT wrapped_key, erased_at IS NOT NULL AS erased FROM personal_data_keys WHERE subject = $1', [
        `clerk-user:${people.bob.id}`,
      ]),
    ).toEqual([{ wrapped_key: null, erased: true }]);
    // Alice is sealed too: her address only in the read APIs, never in a table.
    expect(JSON.stringify(await platform.snapshot('consignor-service'))).not.toContain(newEmail);
    // The ledger keeps Bob's amounts and history as they were.
    expect(await earningsOfBob()).toEqual(bobsEarningsBefore);
  });
});

describe('rotating the key-encryption key of the personal data', () => {
  it('wraps new data keys under the new KEK, re-wraps the others with main.js rewrap-personal-data-keys, and reads on without the old one', async () => {
    const app = 'consignor-service';
    const development = { id: 'development', key: developmentKeyEncryptionKeys.current.key.toString('base64') };
    const rotated = { id: `e2e-${run}`, key: randomBytes(32).toString('base64') };
    const [{ underOld }] = await platform.query<{ underOld: number }>(
      app,
      'SELECT count(*)::int AS "underOld" FROM personal_data_keys WHERE kek_id = \'development\'',
    );
    expect(underOld).toBeGreaterThan(0);

    // The new KEK first (current), the old one still listed: every key still opens.
    await platform.restart(app, { PERSONAL_DATA_KEYS: JSON.stringify([rotated, development]) });
    const output = await platform.run(app, ['rewrap-personal-data-keys']);
    const summary = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => 'rewrapped' in line);
    // The groups read the topics' history too: other runs' users may have added keys (old or new) and tombstones meanwhile.
    expect(summary).toMatchObject({ keyEncryptionKey: rotated.id, alreadyCurrent: expect.any(Number), erased: expect.any(Number) });
    expect(summary?.rewrapped).toBeGreaterThanOrEqual(underOld);
    expect(await platform.query(app, 'SELECT DISTINCT kek_id FROM personal_data_keys WHERE kek_id IS NOT NULL')).toEqual([
      { kek_id: rotated.id },
    ]);

    // The old KEK removed: nothing needs it any more.
    await platform.restart(app, { PERSONAL_DATA_KEYS: JSON.stringify([rotated]) });
    const alice = await platform.read<{ consignor: { email: string; erased: boolean } }>(app, `/consignors/${consignorIds.alice}`);
    expect(alice.consignor).toMatchObject({ email: `alice.new.${run}@example.test`, erased: false });
  }, 120_000);
});
