import { developmentMissedOrderId, startDevelopmentShopify } from './index';
import { developmentShop, developmentShopifyAdminToken } from './development-shop';

const now = new Date('2026-12-06T10:00:00Z');

describe('the development shop', () => {
  const shop = developmentShop(now);

  it("holds the fixtures' product with its consignor tag and exact 64-bit ids", () => {
    expect(shop.products).toHaveLength(1);
    const [product] = shop.products;
    expect(product).toMatchObject({ id: '788032119674292900', status: 'ACTIVE', title: 'Example T-Shirt' });
    expect(product.tags).toEqual(['consignor:04651b49-9522-515b-8117-a12cd696641e', 'example', 'mens', 't-shirt']);
    expect(product.variants.map((variant) => [variant.id, variant.inventoryQuantity])).toEqual([
      ['642667041472714000', 75],
      ['757650484644203900', 50],
    ]);
  });

  it("holds the fixtures' sample order as Shopify has it (cancelled, voided), updated now, and an order whose webhook was lost", () => {
    const [sample, missed] = shop.orders;
    expect(sample).toMatchObject({
      id: '820982911946154500',
      name: '#9999',
      displayFinancialStatus: 'VOIDED',
      cancelReason: 'CUSTOMER',
      totalPrice: '404.95',
      updatedAt: now.toISOString(),
    });
    expect(sample.cancelledAt).not.toBeNull();
    expect(sample.lineItems.map((line) => line.id)).toEqual([
      '487817672276298560',
      '789012345678901200',
      '890123456789012400',
      '976318377106520300',
      '315789986012684400',
    ]);
    expect(missed).toMatchObject({ id: developmentMissedOrderId, displayFinancialStatus: 'PAID', updatedAt: now.toISOString() });
    expect(missed.lineItems).toEqual([expect.objectContaining({ productId: '788032119674292900', price: '89.99', quantity: 1 })]);
  });

  it('answers the Admin API only with the development token', async () => {
    const shopify = await startDevelopmentShopify(0, now);
    try {
      const query = (token: string) =>
        fetch(`${shopify.origin}/admin/api/2026-07/graphql.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
          body: JSON.stringify({ query: 'query ($first: Int!) { orders(first: $first) { nodes { id } } }', variables: { first: 10 } }),
        });
      expect((await query('shpat_wrong')).status).toBe(401);
      const answer = (await (await query(developmentShopifyAdminToken)).json()) as { data: { orders: { nodes: Array<{ id: string }> } } };
      expect(answer.data.orders.nodes.map((node) => node.id)).toEqual([
        'gid://shopify/Order/820982911946154500',
        `gid://shopify/Order/${developmentMissedOrderId}`,
      ]);
    } finally {
      await shopify.close();
    }
  });
});
