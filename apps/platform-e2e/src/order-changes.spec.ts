import { randomUUID } from 'node:crypto';
import { PlatformUnderTest } from './support/platform-under-test';
import { clerkUserBody, orderBody, productBody, refundBody, shopifyId, WebhookSender } from '@consign/test-support';

/**
 * Cancellations and refunds in Shopify's real shapes, through the gateway to inventory and
 * earnings: whatever the shape, the order of arrival or the repetition, the two services agree on
 * every line (units still sold in stock = units still on the books) and the money is exact.
 */
const run = randomUUID().slice(0, 8);
const tenantId = 'dev-store';
let platform: PlatformUnderTest;
let webhooks: WebhookSender;
let consignorTag = '';

interface OrderLineView {
  lineItemId: string;
  quantitySold: number;
  quantityReleased: number;
  quantityRestocked: number;
}
interface LedgerEntry {
  lineItemId: string;
  type: 'sale' | 'reversal';
  quantity: number;
  grossMinor: number;
  consignorShareMinor: number;
}

beforeAll(async () => {
  platform = await PlatformUnderTest.start(
    ['gateway', 'consignor-service', 'inventory-service', 'earnings-service'],
    {},
    {},
    { skipHistory: true },
  );
  webhooks = new WebhookSender(platform.urls.gateway);
  const clerkUserId = `user_changes_${run}`;
  await webhooks.clerk(clerkUserBody('user.created', { id: clerkUserId, email: `changes.${run}@example.test` }));
  await platform.settled();
  const listed = await platform.read<{ consignors: Array<{ consignorId: string; clerkUserId: string | null }> }>(
    'consignor-service',
    `/clients/${tenantId}/consignors`,
  );
  consignorTag = `consignor:${listed.consignors.find((consignor) => consignor.clerkUserId === clerkUserId)?.consignorId}`;
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
});

type Sent = [topic: string, body: string];

/** A consignor's item (stock 5) sold three at a time at 40.00 less a 3.00 line discount: 117.00. */
async function scenario() {
  const ids = { product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId(), order: shopifyId(), line: shopifyId() };
  await webhooks.shopify(
    'products/create',
    productBody({
      id: ids.product,
      title: 'Linen shirt',
      tags: [consignorTag],
      variants: [{ id: ids.variant, inventoryItemId: ids.inventoryItem, sku: `SKU-${ids.variant}`, price: '40.00', quantity: 5 }],
    }),
  );
  await platform.settled();
  const line = {
    id: ids.line,
    productId: ids.product,
    variantId: ids.variant,
    title: 'Linen shirt',
    quantity: 3,
    price: '40.00',
    discount: '3.00',
  };
  const spec = { id: ids.order, name: `#CH-${ids.order}`, lines: [line] };
  const refundLine = (quantity: number, restockType: string, subtotal: string) => ({
    id: shopifyId(),
    lineItemId: ids.line,
    quantity,
    restockType,
    subtotal,
  });
  return {
    ids,
    created: orderBody(spec),
    cancelled: (refunds: Array<{ id: number; lines: ReturnType<typeof refundLine>[] }> = [], currentQuantity = 3) =>
      orderBody({ ...spec, cancelledAt: '2026-11-28T12:00:00-05:00', lines: [{ ...line, currentQuantity }], refunds }),
    updated: (
      refunds: Array<{ id: number; lines: ReturnType<typeof refundLine>[] }>,
      currentQuantity: number,
      cancelledAt: string | null = null,
    ) => orderBody({ ...spec, cancelledAt, financialStatus: 'partially_refunded', lines: [{ ...line, currentQuantity }], refunds }),
    refund: (lines: ReturnType<typeof refundLine>[]) => {
      const id = shopifyId();
      return { id, lines, body: refundBody({ id, orderId: ids.order, createdAt: '2026-11-28T11:00:00-05:00', lines }) };
    },
    refundLine,
  };
}

/** Sends each delivery (a repeat reuses its event id, as Shopify's retries do), settling after each. */
async function deliver(sequence: Sent[]): Promise<void> {
  for (const [topic, body] of sequence) {
    await webhooks.shopify(topic, body);
    await platform.settled();
  }
}

async function outcome(orderId: number, variantId: number) {
  const order = await platform.read<{ state: string; lines: OrderLineView[] }>(
    'inventory-service',
    `/orders/${orderId}?tenantId=${tenantId}`,
  );
  const { entries } = await platform.read<{ entries: LedgerEntry[] }>(
    'earnings-service',
    `/orders/${orderId}/earnings?tenantId=${tenantId}`,
  );
  const item = await platform.read<{ quantity: number }>('inventory-service', `/items/${variantId}?tenantId=${tenantId}`);
  const [line] = order.lines;
  const net = (field: 'quantity' | 'grossMinor' | 'consignorShareMinor') =>
    entries.reduce((sum, entry) => sum + (entry.type === 'sale' ? entry[field] : -entry[field]), 0);
  return {
    stock: { stillSold: line.quantitySold - line.quantityReleased, restocked: line.quantityRestocked, itemQuantity: item.quantity },
    books: { stillSold: net('quantity'), grossMinor: net('grossMinor'), consignorShareMinor: net('consignorShareMinor') },
  };
}

describe('order changes in Shopify shapes, inventory and earnings side by side', () => {
  it("a cancel in the shape of Shopify's sample (no refunds, quantities unchanged) voids every unit in both, restocking nothing", async () => {
    const s = await scenario();
    await deliver([
      ['orders/create', s.created],
      ['orders/cancelled', s.cancelled()],
    ]);
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 0, restocked: 0, itemQuantity: 2 },
      books: { stillSold: 0, grossMinor: 0, consignorShareMinor: 0 },
    });
  });

  it('a cancel with refund lines (restock_type cancel), arriving before its order and twice, voids and restocks every unit once', async () => {
    const s = await scenario();
    const cancelled = s.cancelled([{ id: shopifyId(), lines: [s.refundLine(3, 'cancel', '117.00')] }], 0);
    const eventId = randomUUID();
    await webhooks.shopify('orders/cancelled', cancelled, { eventId });
    await deliver([['orders/create', s.created]]);
    await webhooks.shopify('orders/cancelled', cancelled, { eventId });
    await platform.settled();
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 0, restocked: 3, itemQuantity: 5 },
      books: { stillSold: 0, grossMinor: 0, consignorShareMinor: 0 },
    });
  });

  it('a partial refund (return) reverses exactly its units and its own amount, then a full cancel voids the rest, each once', async () => {
    const s = await scenario();
    // Shopify's share of the 3.00 discount for one of three shirts: 39.01, not a third of 117.00.
    const refund = s.refund([s.refundLine(1, 'return', '39.01')]);
    await deliver([
      ['orders/create', s.created],
      ['refunds/create', refund.body],
    ]);
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 2, restocked: 1, itemQuantity: 3 },
      books: { stillSold: 2, grossMinor: 11_700 - 3_901, consignorShareMinor: 7_020 - 2_341 },
    });
    // The same refund again inside the order's update and its cancellation changes nothing more.
    await deliver([
      ['orders/updated', s.updated([{ id: refund.id, lines: refund.lines }], 2)],
      ['orders/cancelled', s.cancelled([{ id: refund.id, lines: refund.lines }], 2)],
    ]);
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 0, restocked: 1, itemQuantity: 3 },
      books: { stillSold: 0, grossMinor: 0, consignorShareMinor: 0 },
    });
  });

  it.each([
    ['no_restock', 0],
    ['legacy_restock', 1],
  ])('a refund with restock_type %s in orders/updated releases its unit in both and restocks %i', async (restockType, restocked) => {
    const s = await scenario();
    const refund = { id: shopifyId(), lines: [s.refundLine(1, restockType, '39.00')] };
    await deliver([
      ['orders/create', s.created],
      ['orders/updated', s.updated([refund], 2)],
    ]);
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 2, restocked, itemQuantity: 2 + restocked },
      books: { stillSold: 2, grossMinor: 7_800, consignorShareMinor: 4_680 },
    });
  });

  it('a cancel, then an orders/updated carrying its refunds: voided once, restocked by the refund lines', async () => {
    const s = await scenario();
    const refunds = [{ id: shopifyId(), lines: [s.refundLine(3, 'cancel', '117.00')] }];
    await deliver([
      ['orders/create', s.created],
      ['orders/cancelled', s.cancelled()],
      ['orders/updated', s.updated(refunds, 0, '2026-11-28T12:00:00-05:00')],
    ]);
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 0, restocked: 3, itemQuantity: 5 },
      books: { stillSold: 0, grossMinor: 0, consignorShareMinor: 0 },
    });
  });

  it('a refund that arrives before its order, and again, applies once when the order comes', async () => {
    const s = await scenario();
    const refund = s.refund([s.refundLine(2, 'return', '78.00')]);
    const eventId = randomUUID();
    await webhooks.shopify('refunds/create', refund.body, { eventId });
    await deliver([['orders/create', s.created]]);
    await webhooks.shopify('refunds/create', refund.body, { eventId });
    await platform.settled();
    expect(await outcome(s.ids.order, s.ids.variant)).toEqual({
      stock: { stillSold: 1, restocked: 2, itemQuantity: 4 },
      books: { stillSold: 1, grossMinor: 3_900, consignorShareMinor: 2_340 },
    });
  });
});
