import { itemStatusOf } from './item-status';

describe('itemStatusOf', () => {
  it.each([
    ['archived whatever its count', { productStatus: 'archived', quantity: 3, unitsSold: 0 }, 'archived'],
    ['available with units left', { productStatus: 'active', quantity: 2, unitsSold: 1 }, 'available'],
    ['sold when none left and orders took units', { productStatus: 'active', quantity: 0, unitsSold: 1 }, 'sold'],
    ['out of stock when none left and nothing sold', { productStatus: 'active', quantity: 0, unitsSold: 0 }, 'out_of_stock'],
    ['out of stock when Shopify reports it oversold', { productStatus: 'draft', quantity: -2, unitsSold: 0 }, 'out_of_stock'],
  ])('is %s', (_case, facts, status) => {
    expect(itemStatusOf(facts)).toBe(status);
  });
});
