import { ShopifyLineItem } from '@consign/contracts';
import { evaluateLine, isCommissionRate, isPaidFinancialStatus, LineContext, lineGross, overdueLineException } from './sale';

const line = (overrides: Partial<ShopifyLineItem> = {}): ShopifyLineItem => ({
  id: '1001',
  productId: '2001',
  variantId: null,
  sku: null,
  title: 'Aviator sunglasses',
  quantity: 2,
  unitPrice: { amountMinor: 5000, currency: 'USD' },
  totalDiscount: { amountMinor: 1000, currency: 'USD' },
  ...overrides,
});

const context = (overrides: Partial<LineContext> = {}): LineContext => ({
  orderCurrency: 'USD',
  ownership: { kind: 'consignor', consignorId: 'c-1' },
  terms: { active: true, commissionRateBasisPoints: 3000 },
  defaultCommissionRateBasisPoints: 4000,
  ...overrides,
});

describe('evaluateLine', () => {
  it("splits the line's gross after discount at the consignor's rate", () => {
    expect(evaluateLine(line(), context())).toEqual({
      kind: 'sale',
      consignorId: 'c-1',
      quantity: 2,
      commissionRateBasisPoints: 3000,
      amounts: { grossMinor: 9000, consignorShareMinor: 6300, storeShareMinor: 2700 },
    });
  });

  it("uses the tenant's default rate when the consignor has none", () => {
    const outcome = evaluateLine(line(), context({ terms: { active: true, commissionRateBasisPoints: null } }));
    expect(outcome).toMatchObject({
      kind: 'sale',
      commissionRateBasisPoints: 4000,
      amounts: { consignorShareMinor: 5400, storeShareMinor: 3600 },
    });
  });

  it('records a zero-price line as an entry of zero', () => {
    const outcome = evaluateLine(
      line({ unitPrice: { amountMinor: 0, currency: 'USD' }, totalDiscount: { amountMinor: 0, currency: 'USD' } }),
      context(),
    );
    expect(outcome).toMatchObject({ kind: 'sale', amounts: { grossMinor: 0, consignorShareMinor: 0, storeShareMinor: 0 } });
  });

  it("earns nothing on the store's own items", () => {
    expect(evaluateLine(line(), context({ ownership: { kind: 'store' } }))).toEqual({ kind: 'store_item' });
  });

  it('holds a line whose product it has never seen, or whose consignor never registered here, until that arrives', () => {
    expect(evaluateLine(line(), context({ ownership: { kind: 'never_seen' } }))).toEqual({
      kind: 'held',
      awaiting: { kind: 'product', productId: '2001' },
    });
    expect(evaluateLine(line(), context({ terms: undefined }))).toEqual({
      kind: 'held',
      awaiting: { kind: 'consignor', productId: '2001', consignorId: 'c-1' },
    });
  });

  it.each([
    ['line_without_product', line({ productId: null }), context()],
    ['consignor_inactive', line(), context({ terms: { active: false, commissionRateBasisPoints: 3000 } })],
    ['invalid_line', line({ quantity: 0 }), context()],
  ])('reports %s instead of earnings', (exception, input, lineContext) => {
    expect(evaluateLine(input, lineContext)).toMatchObject({ kind: 'exception', exception });
  });
});

describe('overdueLineException', () => {
  it('lists a line still waiting as what it waits for, from the line alone', () => {
    expect(overdueLineException(line(), { kind: 'product', productId: '2001' })).toEqual({
      kind: 'exception',
      exception: 'unknown_product',
      consignorId: null,
      detail: { productId: '2001', title: 'Aviator sunglasses' },
    });
    expect(overdueLineException(line(), { kind: 'consignor', productId: '2001', consignorId: 'c-9' })).toEqual({
      kind: 'exception',
      exception: 'unknown_consignor',
      consignorId: 'c-9',
      detail: { productId: '2001', title: 'Aviator sunglasses' },
    });
  });
});

describe('lineGross', () => {
  it('is exact for large amounts', () => {
    expect(
      lineGross(
        line({
          unitPrice: { amountMinor: 3_002_399_751_580_330, currency: 'USD' },
          quantity: 3,
          totalDiscount: { amountMinor: 0, currency: 'USD' },
        }),
        'USD',
      ),
    ).toBe(9_007_199_254_740_990);
  });

  it.each([
    [line({ quantity: -1 }), 'quantity -1 is not a positive whole number'],
    [line({ unitPrice: { amountMinor: 5000, currency: 'EUR' } }), 'unitPrice is in EUR, the order in USD'],
    [line({ totalDiscount: { amountMinor: -1, currency: 'USD' } }), 'totalDiscount -1 is not a non-negative whole amount'],
    [line({ totalDiscount: { amountMinor: 10_001, currency: 'USD' } }), "discount 10001 exceeds the line's price 5000 × 2"],
    [
      line({ unitPrice: { amountMinor: Number.MAX_SAFE_INTEGER, currency: 'USD' } }),
      'gross 18014398509480982 is beyond the exact range of amounts',
    ],
  ])('explains why a line cannot be priced (%#)', (input, reason) => {
    expect(lineGross(input, 'USD')).toBe(reason);
  });
});

describe('isCommissionRate', () => {
  it('accepts whole basis points from 0 to 10000 only', () => {
    expect([0, 4000, 10000].map(isCommissionRate)).toEqual([true, true, true]);
    expect([-1, 10001, 12.5].map(isCommissionRate)).toEqual([false, false, false]);
  });
});

describe('isPaidFinancialStatus', () => {
  it('counts paid and refunded orders as paid, nothing else', () => {
    expect(['paid', 'partially_refunded', 'refunded'].map(isPaidFinancialStatus)).toEqual([true, true, true]);
    expect(['pending', 'authorized', 'partially_paid', 'voided', null].map(isPaidFinancialStatus)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
