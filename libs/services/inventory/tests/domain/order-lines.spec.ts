import { orderCreated } from '../support/inventory-events';
import { ItemState } from '../../src/domain/item';
import { consignorLineOf, placedLinesOf } from '../../src/domain/order-lines';

function itemOf(variantId: string, consignorId: string | null): ItemState {
  return {
    tenantId: 't',
    variantId,
    productId: `p-${variantId}`,
    inventoryItemId: `inv-${variantId}`,
    sku: `SKU-${variantId}`,
    productTitle: 'P',
    variantTitle: 'V',
    consignorId,
    productStatus: 'active',
    quantity: 1,
    unitsSold: 0,
    levelVersion: null,
  };
}

describe('placedLinesOf', () => {
  const items = new Map([
    ['v1', itemOf('v1', 'c1')],
    ['v2', itemOf('v2', null)],
  ]);
  const { order } = orderCreated('t', 'e', 'o1', [
    { id: 'l1', variantId: 'v1', quantity: 2 },
    { id: 'l2', variantId: 'v2' },
    { id: 'l3', variantId: 'v9' },
    { id: 'l4', variantId: null },
    { id: 'l1', variantId: 'v2' },
  ]);

  it('classifies each line by its item, keeping a repeated line id once', () => {
    expect(placedLinesOf(order, items).map((line) => [line.lineItemId, line.ownership, line.consignorId, line.quantitySold])).toEqual([
      ['l1', 'consignor', 'c1', 2],
      ['l2', 'store', null, 0],
      ['l3', 'unknown_variant', null, 0],
      ['l4', 'untracked', null, 0],
    ]);
  });

  it('only a consignor line with units is a consignor sale, with the item ids', () => {
    const lines = placedLinesOf(order, items);
    expect(consignorLineOf('o1', lines[0])).toEqual({
      orderId: 'o1',
      lineItemId: 'l1',
      productId: 'p-v1',
      variantId: 'v1',
      inventoryItemId: 'inv-v1',
      sku: 'SKU-v1',
      consignorId: 'c1',
      quantity: 2,
    });
    expect(lines.slice(1).map((line) => consignorLineOf('o1', line))).toEqual([undefined, undefined, undefined]);
    expect(consignorLineOf('o1', { ...lines[0], quantitySold: 0 })).toBeUndefined();
  });
});
