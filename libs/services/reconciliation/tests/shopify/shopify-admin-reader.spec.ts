import { ShopifyAdminStandIn, startShopifyAdminStandIn } from '@consign/test-support';
import { seededOrder, seededProducts } from '../support/shop-seed';
import { ShopifyAdminReader, ShopifyAdminReaderOptions } from '@consign/reconciliation';

describe('ShopifyAdminReader against the Admin API stand-in', () => {
  let standIn: ShopifyAdminStandIn;
  const waits: Array<{ reason: string; waitMs: number; requestedCost: number; currentlyAvailable: number }> = [];
  const window = { from: new Date('2026-11-28T00:00:00Z'), to: new Date('2026-11-29T00:00:00Z') };

  const reader = (options: Partial<ShopifyAdminReaderOptions> = {}) =>
    new ShopifyAdminReader({
      shopDomain: 'shop.myshopify.com',
      shopCurrency: 'USD',
      accessToken: standIn.accessToken,
      originOverride: standIn.origin,
      onWait: (wait) => waits.push(wait),
      ...options,
    });

  beforeEach(async () => {
    waits.length = 0;
    standIn = await startShopifyAdminStandIn({
      orders: [
        ...['9007199254740993001', '9007199254740993002', '9007199254740993003', '9007199254740993004', '9007199254740993005'].map(
          (id, index) => seededOrder(id, { updatedAt: `2026-11-28T1${index}:00:00Z` }),
        ),
        seededOrder('9007199254740993900', { updatedAt: '2026-11-27T12:00:00Z' }),
      ],
      products: seededProducts(),
    });
  });

  afterEach(() => standIn.close());

  it('reads every page of the window through opaque cursors, at the requested API version', async () => {
    const orders = await reader({ ordersPageSize: 2 }).ordersUpdatedBetween(window.from, window.to);
    expect(orders.map((state) => state.order.id)).toEqual([
      '9007199254740993001',
      '9007199254740993002',
      '9007199254740993003',
      '9007199254740993004',
      '9007199254740993005',
    ]);
    const pages = standIn.requests.filter((request) => request.root === 'orders');
    expect(pages.map((request) => request.variables.after ?? null)).toEqual([null, expect.any(String), expect.any(String)]);
    expect(pages[0].variables.query).toBe("updated_at:>='2026-11-28T00:00:00.000Z' updated_at:<='2026-11-29T00:00:00.000Z'");
    expect(pages.every((request) => request.apiVersion === '2026-07' && request.accessToken === standIn.accessToken)).toBe(true);
  });

  it('keeps 64-bit ids exact and reads amounts as integer minor units', async () => {
    const [order] = await reader().ordersUpdatedBetween(new Date('2026-11-28T09:59:00Z'), new Date('2026-11-28T10:01:00Z'));
    expect(order.order).toMatchObject({
      id: '9007199254740993001',
      customerId: '115310627314723954',
      financialStatus: 'paid',
      totalPrice: { amountMinor: 21_500, currency: 'USD' },
    });
    expect(order.order.lineItems[0]).toMatchObject({
      id: '9007199254740993011',
      productId: '7001000000000000001',
      variantId: '7001000000000000101',
      unitPrice: { amountMinor: 10_000, currency: 'USD' },
      totalDiscount: { amountMinor: 1_000, currency: 'USD' },
    });
    expect(order.lineProductTags['9007199254740993011']).toEqual(['vintage', 'consignor:c-7']);
    const [product] = await reader().products();
    expect(product.product.variants[0]).toMatchObject({
      id: '7001000000000000101',
      inventoryItemId: '7001000000000000201',
      inventoryQuantity: 3,
      price: { amountMinor: 10_000 },
    });
    expect(product.stock[0]).toEqual({
      variantId: '7001000000000000101',
      inventoryItemId: '7001000000000000201',
      locationId: '7009000000000000001',
      updatedAt: '2026-11-28T09:00:00-05:00',
    });
  });

  it('waits out a THROTTLED answer for (requested − available) / restoreRate and retries', async () => {
    // Restoring slowly keeps the bucket short of 152 points for seconds, so a busy machine cannot refill it
    // before the first request arrives.
    standIn.setBucket({ maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 50 });
    const orders = await reader({ ordersPageSize: 5 }).ordersUpdatedBetween(window.from, window.to);
    expect(orders).toHaveLength(5);
    expect(standIn.requests.map((request) => request.outcome)).toEqual(['throttled', 'ok']);
    // 2 + 5 × 30 = 152 points requested, 50 restored per second. The bucket refills in real time from
    // 10, so what Shopify reports depends on how busy this machine is; the wait must follow from it.
    expect(waits).toEqual([
      { reason: 'throttled', requestedCost: 152, currentlyAvailable: expect.any(Number), waitMs: expect.any(Number) },
    ]);
    const [{ currentlyAvailable, waitMs }] = waits;
    expect(currentlyAvailable).toBeGreaterThanOrEqual(10);
    expect(currentlyAvailable).toBeLessThan(152);
    expect(waitMs).toBe(Math.ceil(((152 - currentlyAvailable) / 50) * 1000));
    expect(standIn.requests[1].at - standIn.requests[0].at).toBeGreaterThanOrEqual(waitMs);
  });

  it('paces itself when the bucket holds less than the next page costs, so Shopify never throttles', async () => {
    // A page of 3 costs 2 + 3 × 30 = 92 points, leaving 8; the second page needs 84 more, 1.7 s of restoring,
    // which is longer than any stall of a busy machine between the two pages.
    standIn.setBucket({ maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 50 });
    await reader({ ordersPageSize: 3 }).ordersUpdatedBetween(window.from, window.to);
    expect(standIn.requests.map((request) => request.outcome)).toEqual(['ok', 'ok']);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.every((wait) => wait.reason === 'pacing' && wait.waitMs > 0)).toBe(true);
  });

  it('fails clearly on a refused token and on an unreachable shop', async () => {
    await expect(reader({ accessToken: 'wrong' }).products()).rejects.toMatchObject({ code: 'shopify.unauthorized' });
    await standIn.close();
    await expect(reader().products()).rejects.toMatchObject({ code: 'shopify.unreachable' });
    standIn = await startShopifyAdminStandIn();
  });
});
