import { availabilityOf } from './availability';

describe('availabilityOf', () => {
  const base = { productId: 'p', sku: null, productTitle: 'P', variantTitle: 'V' };

  it('counts only available items units as available, and totals by status', () => {
    const result = availabilityOf([
      { ...base, variantId: 'v1', status: 'available', quantity: 2 },
      { ...base, variantId: 'v2', status: 'archived', quantity: 5 },
      { ...base, variantId: 'v3', status: 'sold', quantity: 0 },
    ]);
    expect(result.items.map((item) => [item.variantId, item.availableQuantity])).toEqual([
      ['v1', 2],
      ['v2', 0],
      ['v3', 0],
    ]);
    expect(result.totals).toEqual({ items: 3, availableUnits: 2, byStatus: { available: 1, out_of_stock: 0, sold: 1, archived: 1 } });
  });
});
