import { compareBooksWithStock, compareEarnings, compareOrder, compareProduct, discrepancyIdOf } from './discrepancies';
import { ShopifyOrderState, ShopifyProductState } from './shopify-state';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

function orderState(overrides: Partial<ShopifyOrderState> = {}): ShopifyOrderState {
  return {
    order: {
      id: '820982911946154508',
      name: '#1001',
      createdAt: '2026-11-28T10:00:00-05:00',
      financialStatus: 'paid',
      customerId: null,
      totalPrice: usd(25_000),
      lineItems: [
        {
          id: '466157049',
          productId: '632910392',
          variantId: '808950810',
          sku: 'A',
          title: 'Jacket',
          quantity: 2,
          unitPrice: usd(10_000),
          totalDiscount: usd(1_000),
        },
        {
          id: '518995019',
          productId: '921728736',
          variantId: '457924702',
          sku: 'B',
          title: 'Store mug',
          quantity: 1,
          unitPrice: usd(5_000),
          totalDiscount: usd(0),
        },
      ],
    },
    updatedAt: '2026-11-28T10:05:00-05:00',
    cancelledAt: null,
    cancelReason: null,
    totalOutstanding: usd(0),
    currentQuantities: { '466157049': 2, '518995019': 1 },
    refunds: [],
    lineProductTags: { '466157049': ['vintage', 'consignor:c-7'], '518995019': ['house'] },
    ...overrides,
  };
}

describe('compareOrder', () => {
  it('finds an order inventory never heard of, or knows only by a held cancellation', () => {
    expect(compareOrder(orderState(), undefined)).toEqual([
      expect.objectContaining({ kind: 'order_missing', subjectId: '820982911946154508', localValue: null, repairable: true }),
    ]);
    expect(compareOrder(orderState(), { orderId: '820982911946154508', state: 'cancellation_held', cancelledAt: null })[0].kind).toBe(
      'order_missing',
    );
  });

  it('finds cancellations on one side only; the local-only one is not repairable from Shopify', () => {
    const cancelled = orderState({ cancelledAt: '2026-11-28T11:00:00-05:00' });
    expect(compareOrder(cancelled, { orderId: '820982911946154508', state: 'received', cancelledAt: null })).toEqual([
      expect.objectContaining({
        kind: 'order_cancelled_in_shopify_only',
        repairable: true,
        localValue: { orderId: '820982911946154508', state: 'received', cancelledAt: null },
      }),
    ]);
    expect(
      compareOrder(orderState(), { orderId: '820982911946154508', state: 'cancelled', cancelledAt: '2026-11-28T16:00:00.000Z' }),
    ).toEqual([
      expect.objectContaining({
        kind: 'order_cancelled_locally_only',
        repairable: false,
        notRepairableReason: expect.stringContaining('data correction'),
      }),
    ]);
  });

  it('finds nothing when both sides agree', () => {
    expect(compareOrder(orderState(), { orderId: '820982911946154508', state: 'received', cancelledAt: null })).toEqual([]);
  });
});

describe('compareEarnings', () => {
  const sale = (lineItemId: string, grossMinor: number, quantity = 2) => ({
    type: 'sale' as const,
    consignorId: 'c-7',
    lineItemId,
    grossMinor,
    quantity,
  });

  it('expects unit price × quantity − discount on consignor lines and nothing on the store own lines', () => {
    expect(compareEarnings(orderState(), [sale('466157049', 19_000)], 'consignor:')).toEqual([]);
    const [found] = compareEarnings(orderState(), [sale('466157049', 18_000), sale('518995019', 5_000)], 'consignor:');
    expect(found).toMatchObject({
      kind: 'earnings_mismatch',
      subjectId: '820982911946154508',
      repairable: false,
      shopifyValue: {
        lines: [
          { lineItemId: '466157049', consignorId: 'c-7', expectedGrossMinor: 19_000 },
          { lineItemId: '518995019', consignorId: null, expectedGrossMinor: 0 },
        ],
      },
      localValue: {
        orderReceived: true,
        lines: [
          { lineItemId: '466157049', netGrossMinor: 18_000 },
          { lineItemId: '518995019', netGrossMinor: 5_000 },
        ],
      },
    });
  });

  it('nets reversals against sales, and expects zero on lines a cancellation touched', () => {
    const cancelled = orderState({ cancelledAt: '2026-11-28T11:00:00-05:00', currentQuantities: { '466157049': 0, '518995019': 0 } });
    const reversal = { type: 'reversal' as const, consignorId: 'c-7', lineItemId: '466157049', grossMinor: 19_000, quantity: 2 };
    expect(compareEarnings(cancelled, [sale('466157049', 19_000), reversal], 'consignor:')).toEqual([]);
    expect(compareEarnings(cancelled, [sale('466157049', 19_000)], 'consignor:')[0].shopifyValue).toMatchObject({
      lines: [{ expectedGrossMinor: 0 }],
    });
  });

  it("expects zero on every line of a cancelled order, also Shopify's sample cancel with no refunds and quantities unchanged", () => {
    const plainCancel = orderState({ cancelledAt: '2026-11-28T11:00:00-05:00' });
    expect(compareEarnings(plainCancel, [sale('466157049', 19_000)], 'consignor:')[0].shopifyValue).toMatchObject({
      lines: [{ lineItemId: '466157049', expectedGrossMinor: 0 }],
    });
    const reversal = { type: 'reversal' as const, consignorId: 'c-7', lineItemId: '466157049', grossMinor: 19_000, quantity: 2 };
    expect(compareEarnings(plainCancel, [sale('466157049', 19_000), reversal], 'consignor:')).toEqual([]);
  });

  it("expects zero on a line refunded whole, and a partly refunded line's gross less the refund's own amount", () => {
    const refunded = (quantity: number, subtotal: number) =>
      orderState({
        refunds: [
          {
            id: 'r1',
            createdAt: '2026-11-28T11:00:00-05:00',
            note: null,
            refundLineItems: [{ id: 'rl1', lineItemId: '466157049', quantity, restockType: 'return', subtotal: usd(subtotal) }],
          },
        ],
      });
    expect(compareEarnings(refunded(2, 19_000), [sale('466157049', 19_000)], 'consignor:')[0].shopifyValue).toMatchObject({
      lines: [{ expectedGrossMinor: 0 }],
    });
    // Shopify refunded 95.01 of the discounted 190.00 for one of two units: 94.99 stays earned, not a pro-rata 95.00.
    const reversal = { type: 'reversal' as const, consignorId: 'c-7', lineItemId: '466157049', grossMinor: 9_501, quantity: 1 };
    expect(compareEarnings(refunded(1, 9_501), [sale('466157049', 19_000), reversal], 'consignor:')).toEqual([]);
    expect(
      compareEarnings(refunded(1, 9_501), [sale('466157049', 19_000), { ...reversal, grossMinor: 9_500 }], 'consignor:')[0],
    ).toMatchObject({
      shopifyValue: { lines: [{ lineItemId: '466157049', expectedGrossMinor: 9_499 }] },
      localValue: { lines: [{ lineItemId: '466157049', netGrossMinor: 9_500 }] },
    });
  });

  it('leaves a line that lost units without a refund line (an edit) unchecked in money', () => {
    const edited = orderState({ currentQuantities: { '466157049': 1, '518995019': 1 } });
    const proRata = { type: 'reversal' as const, consignorId: 'c-7', lineItemId: '466157049', grossMinor: 9_500, quantity: 1 };
    expect(compareEarnings(edited, [sale('466157049', 19_000), proRata], 'consignor:')).toEqual([]);
  });

  it('uses the tenant tag prefix and reports an order earnings never received', () => {
    const owned = orderState({ lineProductTags: { '466157049': ['owner=c-9'], '518995019': [] } });
    expect(compareEarnings(owned, undefined, 'owner=')[0]).toMatchObject({
      localValue: { orderReceived: false, lines: [{ lineItemId: '466157049', netGrossMinor: 0 }] },
    });
  });
});

describe('compareProduct', () => {
  const product: ShopifyProductState = {
    product: {
      id: '632910392',
      title: 'Jacket',
      handle: 'jacket',
      status: 'active',
      vendor: null,
      productType: null,
      tags: ['consignor:c-7'],
      createdAt: '2026-11-01T10:00:00-05:00',
      updatedAt: '2026-11-20T10:00:00-05:00',
      variants: [
        {
          id: '808950810',
          title: 'M',
          sku: 'A',
          price: usd(10_000),
          compareAtPrice: null,
          inventoryItemId: '39072856',
          inventoryQuantity: 3,
        },
        {
          id: '808950811',
          title: 'L',
          sku: 'B',
          price: usd(10_000),
          compareAtPrice: null,
          inventoryItemId: '39072857',
          inventoryQuantity: 1,
        },
      ],
    },
    stock: [
      { variantId: '808950810', inventoryItemId: '39072856', locationId: '655441491', updatedAt: '2026-11-28T09:00:00-05:00' },
      { variantId: '808950811', inventoryItemId: '39072857', locationId: null, updatedAt: '2026-11-28T09:00:00-05:00' },
    ],
  };
  const item = (variantId: string, quantity: number) => ({ variantId, inventoryItemId: null, quantity });

  it('finds a product, or a variant of it, inventory does not know', () => {
    expect(compareProduct(product, undefined)).toEqual([
      expect.objectContaining({ kind: 'product_unknown', subjectId: '632910392', localValue: null, repairable: true }),
    ]);
    expect(compareProduct(product, { productId: '632910392', items: [item('808950810', 3)] })).toEqual([
      expect.objectContaining({
        kind: 'product_unknown',
        localValue: { productId: '632910392', knownVariantIds: ['808950810'], unknownVariantIds: ['808950811'] },
      }),
    ]);
  });

  it('finds counts that differ, repairable where Shopify names the item and its location', () => {
    const found = compareProduct(product, { productId: '632910392', items: [item('808950810', 5), item('808950811', 0)] });
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'inventory_level_differs',
        subjectId: '808950810',
        shopifyValue: {
          productId: '632910392',
          variantId: '808950810',
          inventoryItemId: '39072856',
          locationId: '655441491',
          available: 3,
          updatedAt: '2026-11-28T09:00:00-05:00',
        },
        localValue: { variantId: '808950810', inventoryItemId: null, quantity: 5 },
        repairable: true,
      }),
      expect.objectContaining({ kind: 'inventory_level_differs', subjectId: '808950811', repairable: false }),
    ]);
    expect(compareProduct(product, { productId: '632910392', items: [item('808950810', 3), item('808950811', 1)] })).toEqual([]);
  });
});

describe('discrepancyIdOf', () => {
  it('is the same for the same run, kind and subject, and differs otherwise', () => {
    expect(discrepancyIdOf('run-1', 'order_missing', '1')).toBe(discrepancyIdOf('run-1', 'order_missing', '1'));
    expect(discrepancyIdOf('run-1', 'order_missing', '1')).not.toBe(discrepancyIdOf('run-2', 'order_missing', '1'));
  });
});

describe('compareBooksWithStock', () => {
  const stock = (lines: Array<[string, number, number]>) => ({
    orderId: 'o-1',
    state: 'received' as const,
    cancelledAt: null,
    lines: lines.map(([lineItemId, quantitySold, quantityReleased]) => ({ lineItemId, quantitySold, quantityReleased })),
  });
  const entry = (type: 'sale' | 'reversal', lineItemId: string, quantity: number) => ({
    type,
    consignorId: 'c-7',
    lineItemId,
    grossMinor: 1000 * quantity,
    quantity,
  });

  it('finds nothing when every line has as many units sold in inventory as on the books, releases and reversals netted', () => {
    const books = [entry('sale', 'l1', 2), entry('sale', 'l2', 1), entry('reversal', 'l1', 1)];
    expect(
      compareBooksWithStock(
        'o-1',
        stock([
          ['l1', 2, 1],
          ['l2', 1, 0],
          ['l3', 0, 0],
        ]),
        books,
      ),
    ).toEqual([]);
  });

  it('reports each line that differs, either way round, as not repairable from Shopify', () => {
    // Stock released l1 but the books never reversed it; the books hold a sale of a line inventory never sold.
    const [found] = compareBooksWithStock('o-1', stock([['l1', 2, 2]]), [entry('sale', 'l1', 2), entry('sale', 'l9', 1)]);
    expect(found).toMatchObject({
      kind: 'books_stock_mismatch',
      subjectId: 'o-1',
      repairable: false,
      localValue: {
        lines: [
          { lineItemId: 'l1', soldInInventory: 0, onTheBooks: 2 },
          { lineItemId: 'l9', soldInInventory: 0, onTheBooks: 1 },
        ],
      },
    });
  });

  it('compares nothing while either side lacks the order', () => {
    expect(compareBooksWithStock('o-1', undefined, [entry('sale', 'l1', 1)])).toEqual([]);
    expect(compareBooksWithStock('o-1', stock([['l1', 1, 0]]), undefined)).toEqual([]);
  });
});
