import { productUpserted } from '../support/inventory-events';
import { productSnapshotOf } from '../../src/domain/product-items';

describe('productSnapshotOf', () => {
  it('takes the consignor from the tags with the tenant prefix, and one variant per id', () => {
    const event = productUpserted('t', 'e1', {
      id: 'p1',
      tags: ['vintage', 'Consignor:c-42'],
      variants: [
        { id: 'v1', quantity: 2 },
        { id: 'v2', quantity: null, inventoryItemId: null },
        { id: 'v1', quantity: 5 },
      ],
    });
    const snapshot = productSnapshotOf(event, 'consignor:');
    expect(snapshot).toMatchObject({
      productId: 'p1',
      status: 'active',
      consignorId: 'c-42',
      version: { at: Date.parse('2026-01-01T09:00:00Z'), eventId: 'e1' },
    });
    expect(snapshot.variants).toEqual([
      { variantId: 'v1', title: 'Variant v1', sku: 'SKU-v1', inventoryItemId: 'inv-v1', quantity: 5 },
      { variantId: 'v2', title: 'Variant v2', sku: 'SKU-v2', inventoryItemId: null, quantity: null },
    ]);
  });

  it('a product without a consignor tag is the store own; without updatedAt its version is the event time', () => {
    const built = productUpserted('t', 'e1', { id: 'p1', tags: ['consignor'], updatedAt: null, variants: [] });
    const event = { ...built, metadata: { ...built.metadata, occurredAt: 1234 } };
    expect(productSnapshotOf(event, 'consignor:')).toMatchObject({ consignorId: null, version: { at: 1234, eventId: 'e1' } });
  });
});
