import { randomUUID } from 'node:crypto';
import { AppName, ConsumerApp, consumedTopics, PlatformUnderTest } from './support/platform-under-test';
import { clerkUserBody, inventoryLevelBody, orderBody, productBody, refundBody, shopifyId, WebhookSender } from '@consign/test-support';

/**
 * A rebuild from the stream equals the live state. A realistic mixed history goes through the
 * gateway to the four services, some of it out of order; then a second copy of every service, with
 * empty databases and new consumer groups, reads the same history back in one go, its topics
 * interleaved however Kafka hands them out. Every projection table must come out identical,
 * exceptions and reconciliation records included, processing times and encrypted bytes aside.
 *
 * The topics are shared with the other test files, so "from earliest" means from where this
 * file's history starts: the rebuild's groups start at the offsets the live groups started at.
 */
const run = randomUUID().slice(0, 8);
const tenantId = 'dev-store';
const services: ConsumerApp[] = ['inventory-service', 'earnings-service', 'consignor-service', 'notification-service'];

/** Tables about the consuming, not the consumed: which offsets a group read and what an outbox relayed when. */
const bookkeepingTables = ['schema_migrations', 'processed_events', 'outbox_events'];

/**
 * Columns that say when this copy processed something (or hold bytes sealed under this copy's own
 * random keys), never what the history says. Each must exist somewhere, so that a renamed column
 * cannot silently widen what is left out.
 */
const processingColumns = [
  'created_at',
  'updated_at',
  'recorded_at',
  'held_at',
  'escalated_at',
  'resolved_at',
  'state_changed_at',
  'processed_at',
  'sent_at',
  'last_attempt_at',
  'state_since',
];

/**
 * Columns that say in which order this copy read the partitions: row numbers, and an item's running
 * count after each movement (orders on different partitions interleave as Kafka hands them out).
 * What each movement was (cause, source event, line, delta, time) is compared.
 */
const arrivalColumns: Record<string, string[]> = {
  item_movements: ['id', 'quantity_after'],
  consignor_changes: ['sequence'],
  held_order_events: ['arrival'],
};

/** Personal data is sealed under each copy's own random data keys: the same text, other bytes. */
const omitted = (column: string, table: string): boolean =>
  processingColumns.includes(column) ||
  (arrivalColumns[table] ?? []).includes(column) ||
  column.startsWith('sealed_') ||
  column === 'wrapped_key';

let live: PlatformUnderTest;
let rebuilt: PlatformUnderTest | undefined;
let webhooks: WebhookSender;

beforeAll(async () => {
  live = await PlatformUnderTest.start(['gateway', ...services], {}, {}, { skipHistory: true });
  webhooks = new WebhookSender(live.urls.gateway);
}, 300_000);

afterAll(async () => {
  await rebuilt?.teardown();
  await live?.teardown();
});

interface LedgerEntry {
  consignorId: string;
  lineItemId: string;
  type: 'sale' | 'reversal';
  quantity: number;
  grossMinor: number;
  consignorShareMinor: number;
  storeShareMinor: number;
}

async function consignorIdOf(clerkUserId: string): Promise<string> {
  const listed = await live.read<{ consignors: Array<{ consignorId: string; clerkUserId: string | null }> }>(
    'consignor-service',
    `/clients/${tenantId}/consignors`,
  );
  const found = listed.consignors.find((consignor) => consignor.clerkUserId === clerkUserId);
  if (found === undefined) throw new Error(`no consignor for ${clerkUserId}`);
  return found.consignorId;
}

/** Sends a realistic history: sign-ups, products, levels, orders, payments, refunds, cancellations, some of it early. */
async function sendHistory(): Promise<{ orders: Record<string, number>; lines: Record<string, number>; variants: Record<string, number> }> {
  const alice = { id: `user_rebuild_${run}_alice`, email: `alice.rebuild.${run}@example.test`, firstName: 'Alice', lastName: 'Archer' };
  const bob = { id: `user_rebuild_${run}_bob`, email: `bob.rebuild.${run}@example.test`, firstName: 'Bob', lastName: 'Baker' };
  await webhooks.clerk(clerkUserBody('user.created', alice));
  await webhooks.clerk(clerkUserBody('user.created', bob));
  await webhooks.clerk(clerkUserBody('user.updated', { ...bob, lastName: 'Barker', updatedAt: Date.parse('2026-11-28T09:00:00Z') }));
  await live.settled();
  const tag = { alice: `consignor:${await consignorIdOf(alice.id)}`, bob: `consignor:${await consignorIdOf(bob.id)}` };

  const ids = () => ({ product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() });
  const lamp = ids();
  const chair = ids();
  const mug = ids();
  const vase = ids();
  const pot = ids();
  const product = (item: typeof lamp, title: string, tags: string[], price: string, quantity: number) =>
    productBody({
      id: item.product,
      title,
      tags,
      updatedAt: '2026-11-28T08:00:00-05:00',
      variants: [{ id: item.variant, inventoryItemId: item.inventoryItem, sku: `SKU-${item.variant}`, price, quantity }],
    });
  await webhooks.shopify('products/create', product(lamp, 'Brass lamp', [tag.alice], '30.00', 5));
  await webhooks.shopify('products/create', product(chair, 'Oak chair', [tag.bob], '120.00', 3));
  await webhooks.shopify('products/create', product(mug, 'House mug', ['house'], '12.00', 10));
  // Levels only of items nothing in this history sells: a level and a sale of one item read in another order give another count (decision 0013).
  await webhooks.shopify(
    'inventory_levels/update',
    inventoryLevelBody({ inventoryItemId: mug.inventoryItem, available: 9, updatedAt: '2026-11-28T09:00:00-05:00' }),
  );

  const orders = { a: shopifyId(), b: shopifyId(), c: shopifyId(), d: shopifyId() };
  const lines = {
    aLamp: shopifyId(),
    aChair: shopifyId(),
    aMug: shopifyId(),
    bChair: shopifyId(),
    cLamp: shopifyId(),
    dVase: shopifyId(),
    dLamp: shopifyId(),
  };
  const lampLine = (id: number, quantity: number, discount?: string) => ({
    id,
    productId: lamp.product,
    variantId: lamp.variant,
    title: 'Brass lamp',
    quantity,
    price: '30.00',
    discount,
  });
  const chairLine = (id: number) => ({
    id,
    productId: chair.product,
    variantId: chair.variant,
    title: 'Oak chair',
    quantity: 1,
    price: '120.00',
  });

  // Order A: two lamps with a line discount, a chair and the store's mug; paid; then one lamp comes back.
  const orderA = {
    id: orders.a,
    name: `#RB-A-${run}`,
    lines: [
      lampLine(lines.aLamp, 2, '1.00'),
      chairLine(lines.aChair),
      { id: lines.aMug, productId: mug.product, variantId: mug.variant, title: 'House mug', quantity: 1, price: '12.00' },
    ],
  };
  await webhooks.shopify('orders/create', orderBody(orderA));
  await webhooks.shopify('orders/paid', orderBody({ ...orderA, financialStatus: 'paid' }));
  // Shopify's own share of the discount for one of two lamps: 29.50, not a pro-rata rounding of 59.00.
  const lampRefund = {
    id: shopifyId(),
    lines: [{ id: shopifyId(), lineItemId: lines.aLamp, quantity: 1, restockType: 'return', subtotal: '29.50' }],
  };
  await webhooks.shopify(
    'refunds/create',
    refundBody({ id: lampRefund.id, orderId: orders.a, createdAt: '2026-11-29T10:00:00-05:00', lines: lampRefund.lines }),
  );
  // The same refund again inside the order's next update: applied once.
  await webhooks.shopify(
    'orders/updated',
    orderBody({
      ...orderA,
      financialStatus: 'partially_refunded',
      lines: [lampLine(lines.aLamp, 2, '1.00'), chairLine(lines.aChair), orderA.lines[2]].map((line) =>
        line.id === lines.aLamp ? { ...line, currentQuantity: 1 } : line,
      ),
      refunds: [lampRefund],
    }),
  );

  // Order B: a chair, cancelled in the shape of Shopify's own sample (no refund lines, quantities unchanged).
  const orderB = { id: orders.b, name: `#RB-B-${run}`, lines: [chairLine(lines.bChair)] };
  await webhooks.shopify('orders/create', orderBody(orderB));
  await webhooks.shopify('orders/cancelled', orderBody({ ...orderB, cancelledAt: '2026-11-28T12:00:00-05:00' }));

  // Order C: the cancellation (restocking) arrives before the order.
  const orderC = { id: orders.c, name: `#RB-C-${run}`, lines: [lampLine(lines.cLamp, 1)] };
  await webhooks.shopify(
    'orders/cancelled',
    orderBody({
      ...orderC,
      cancelledAt: '2026-11-28T13:00:00-05:00',
      lines: [{ ...lampLine(lines.cLamp, 1), currentQuantity: 0 }],
      refunds: [
        { id: shopifyId(), lines: [{ id: shopifyId(), lineItemId: lines.cLamp, quantity: 1, restockType: 'cancel', subtotal: '30.00' }] },
      ],
    }),
  );
  await webhooks.shopify('orders/create', orderBody(orderC));

  // Order D: a vase sold before its product arrives; and the count of a pot before the pot's product.
  const orderD = {
    id: orders.d,
    name: `#RB-D-${run}`,
    lines: [
      { id: lines.dVase, productId: vase.product, variantId: vase.variant, title: 'Glass vase', quantity: 1, price: '45.00' },
      lampLine(lines.dLamp, 1),
    ],
  };
  await webhooks.shopify('orders/create', orderBody(orderD));
  await webhooks.shopify(
    'inventory_levels/update',
    inventoryLevelBody({ inventoryItemId: pot.inventoryItem, available: 6, updatedAt: '2026-11-28T11:00:00-05:00' }),
  );
  await live.settled();
  await webhooks.shopify('products/create', product(vase, 'Glass vase', [tag.alice], '45.00', 2));
  await webhooks.shopify('products/create', product(pot, 'Clay pot', [tag.bob], '18.00', 4));
  await live.settled();
  return { orders, lines, variants: { lamp: lamp.variant, chair: chair.variant, vase: vase.variant, pot: pot.variant } };
}

async function ledgerOf(platform: PlatformUnderTest, orderId: number): Promise<LedgerEntry[]> {
  const body = await platform.read<{ entries: LedgerEntry[] }>('earnings-service', `/orders/${orderId}/earnings?tenantId=${tenantId}`);
  return body.entries;
}

async function snapshots(platform: PlatformUnderTest): Promise<Record<string, Record<string, unknown[]>>> {
  const result: Record<string, Record<string, unknown[]>> = {};
  for (const app of services) result[app] = await platform.snapshot(app, bookkeepingTables, omitted);
  return result;
}

/** Records the history holds on the topics the services read, from where the live groups started. */
async function recordsSince(platform: PlatformUnderTest): Promise<number> {
  const admin = platform.kafka.admin();
  await admin.connect();
  try {
    let records = 0;
    for (const topic of new Set(Object.values(consumedTopics).flat())) {
      const starts = platform.startOffsets.get(topic) ?? [];
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        records += Number(BigInt(high) - BigInt(starts.find((start) => start.partition === partition)?.offset ?? '0'));
      }
    }
    return records;
  } finally {
    await admin.disconnect();
  }
}

async function columnsOf(platform: PlatformUnderTest, app: AppName): Promise<string[]> {
  const rows = await platform.query<{ column_name: string }>(
    app,
    "SELECT DISTINCT column_name FROM information_schema.columns WHERE table_schema = 'public'",
  );
  return rows.map((row) => row.column_name);
}

describe('rebuilding every service from the stream', () => {
  it('gives exactly the live projections, exceptions and reconciliation records included', async () => {
    const history = await sendHistory();

    // The live state is the one the issue describes: exact refund money, the early vase applied, nothing flagged.
    const lampEntries = (await ledgerOf(live, history.orders.a)).filter((entry) => entry.lineItemId === String(history.lines.aLamp));
    expect(
      lampEntries
        .map(({ type, quantity, grossMinor, consignorShareMinor }) => ({ type, quantity, grossMinor, consignorShareMinor }))
        .sort((x, y) => x.type.localeCompare(y.type)),
    ).toEqual([
      { type: 'reversal', quantity: 1, grossMinor: 2950, consignorShareMinor: 1770 },
      { type: 'sale', quantity: 2, grossMinor: 5900, consignorShareMinor: 3540 },
    ]);
    expect((await ledgerOf(live, history.orders.d)).map((entry) => entry.lineItemId).sort()).toEqual(
      [String(history.lines.dLamp), String(history.lines.dVase)].sort(),
    );
    const itemOf = (variant: number) => live.read<{ quantity: number }>('inventory-service', `/items/${variant}?tenantId=${tenantId}`);
    expect((await itemOf(history.variants.vase)).quantity).toBe(1);
    // The pot's count (11:00) is newer than its product (08:00): the early level stands.
    expect((await itemOf(history.variants.pot)).quantity).toBe(6);
    const liveState = await snapshots(live);

    const replayed = await recordsSince(live);
    const started = Date.now();
    rebuilt = await PlatformUnderTest.start(services, {}, {}, { startAt: live.startOffsets });
    const ready = Date.now();
    await rebuilt.settled(300_000);
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    console.log(
      `rebuild: ${services.length} empty services migrated and ready in ${seconds(started, ready)} s, then ${replayed} records replayed and settled in ${seconds(ready, Date.now())} s`,
    );

    const rebuiltState = await snapshots(rebuilt);
    for (const app of services) {
      for (const table of Object.keys(liveState[app]))
        expect({ app, table, rows: rebuiltState[app][table] }).toEqual({ app, table, rows: liveState[app][table] });
    }
    const existing = new Set((await Promise.all(services.map((app) => columnsOf(live, app)))).flat());
    expect([...processingColumns, ...Object.values(arrivalColumns).flat()].filter((column) => !existing.has(column))).toEqual([]);
  }, 900_000);
});
