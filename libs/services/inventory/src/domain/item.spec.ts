import { ItemState, itemAfterLevel, itemAfterProductSync, itemAfterRelease, itemAfterSale, oversoldUnits } from './item';
import { ProductSnapshot } from './product-items';

const product: ProductSnapshot = {
  productId: 'p1',
  title: 'Jacket',
  status: 'active',
  consignorId: 'c1',
  version: { at: 2000, eventId: 'product-2' },
  variants: [],
};
const variant = { variantId: 'v1', title: 'M', sku: 'J-M', inventoryItemId: 'inv-1', quantity: 3 };
const item: ItemState = {
  tenantId: 't',
  variantId: 'v1',
  productId: 'p1',
  inventoryItemId: 'inv-1',
  sku: 'J-M',
  productTitle: 'Old title',
  variantTitle: 'M',
  consignorId: null,
  productStatus: 'draft',
  quantity: 1,
  unitsSold: 1,
  levelVersion: { at: 1000, eventId: 'level-1' },
};

describe('itemAfterProductSync', () => {
  it('a new item takes the product fields and its count, 0 when Shopify sent none', () => {
    expect(itemAfterProductSync('t', undefined, product, variant)).toEqual({
      ...item,
      productTitle: 'Jacket',
      consignorId: 'c1',
      productStatus: 'active',
      quantity: 3,
      unitsSold: 0,
      levelVersion: product.version,
    });
    expect(itemAfterProductSync('t', undefined, product, { ...variant, quantity: null })).toMatchObject({
      quantity: 0,
      levelVersion: null,
    });
  });

  it('keeps units sold, and keeps the known count and inventory item when Shopify sent none', () => {
    expect(itemAfterProductSync('t', item, product, { ...variant, quantity: null, inventoryItemId: null })).toMatchObject({
      quantity: 1,
      unitsSold: 1,
      inventoryItemId: 'inv-1',
      levelVersion: item.levelVersion,
      productTitle: 'Jacket',
    });
  });

  it('does not let its count override a newer level already applied', () => {
    const newerLevel = { ...item, levelVersion: { at: 3000, eventId: 'level-3' } };
    expect(itemAfterProductSync('t', newerLevel, product, variant)).toMatchObject({
      quantity: 1,
      levelVersion: newerLevel.levelVersion,
      consignorId: 'c1',
    });
  });
});

describe('itemAfterSale / itemAfterRelease', () => {
  it('a sale takes units and counts them sold', () => {
    expect(itemAfterSale({ ...item, quantity: 1, unitsSold: 0 }, 2)).toMatchObject({ quantity: 0, unitsSold: 2 });
  });

  it('a release puts restocked units back and stops counting the released ones sold', () => {
    expect(
      itemAfterRelease({ ...item, quantity: 0, unitsSold: 2 }, { lineItemId: 'l', releasedUnits: 2, restockedUnits: 1 }),
    ).toMatchObject({ quantity: 1, unitsSold: 0 });
  });
});

describe('itemAfterLevel', () => {
  it('sets the count and remembers the level applied', () => {
    expect(itemAfterLevel(item, 5, { at: 1500, eventId: 'level-2' })).toMatchObject({
      quantity: 5,
      levelVersion: { at: 1500, eventId: 'level-2' },
    });
  });

  it('ignores an older level or the same one again', () => {
    expect(itemAfterLevel(item, 5, { at: 999, eventId: 'level-0' })).toBeUndefined();
    expect(itemAfterLevel(item, 5, { at: 1000, eventId: 'level-1' })).toBeUndefined();
  });
});

describe('oversoldUnits', () => {
  it('counts the units an order sold beyond the count it found, when that count predates the order', () => {
    expect(oversoldUnits(item, 1, 2000)).toBe(0);
    expect(oversoldUnits(item, 3, 2000)).toBe(2);
    expect(oversoldUnits({ ...item, quantity: -4 }, 1, 2000)).toBe(1);
    expect(oversoldUnits({ ...item, levelVersion: null, quantity: 0 }, 75_000, 2000)).toBe(75_000);
  });

  it("trusts no count set at or after the order: Shopify's level webhook for the order itself may come first", () => {
    expect(oversoldUnits({ ...item, quantity: 0, levelVersion: { at: 2000, eventId: 'level-2' } }, 1, 2000)).toBe(0);
    expect(oversoldUnits({ ...item, quantity: 0, levelVersion: { at: 2500, eventId: 'level-3' } }, 1, 2000)).toBe(0);
  });
});
