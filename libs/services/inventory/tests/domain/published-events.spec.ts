import { derivedMetadata, events } from '@consign/contracts';
import { orderCreated } from '../support/inventory-events';
import { itemSoldFor, itemsReleasedFor } from '../../src/domain/published-events';

const cause = orderCreated('t', 'order-event', 'o1', []).metadata;
const line = {
  orderId: 'o1',
  lineItemId: 'l1',
  productId: 'p1',
  variantId: 'v1',
  inventoryItemId: 'inv-1',
  sku: 'S',
  consignorId: 'c1',
  quantity: 2,
};

describe('published events', () => {
  it('ItemSold derives its id from the cause and the line', () => {
    const sold = itemSoldFor(cause, line);
    expect(sold.definition).toBe(events.itemSold);
    expect(sold.value).toEqual({
      metadata: derivedMetadata(events.itemSold, cause, { source: 'inventory-service', discriminator: 'l1' }),
      orderId: 'o1',
      lineItemId: 'l1',
      productId: 'p1',
      variantId: 'v1',
      inventoryItemId: 'inv-1',
      sku: 'S',
      consignorId: 'c1',
      quantity: 2,
      reason: 'order_placed',
    });
    expect(itemSoldFor(cause, line).value.metadata.eventId).toBe(sold.value.metadata.eventId);
  });

  it('ItemReleased: one event per restock outcome of the line, with the reason of the change', () => {
    const released = itemsReleasedFor(cause, line, { lineItemId: 'l1', releasedUnits: 2, restockedUnits: 1 }, 'order_cancelled');
    expect(released.map(({ value }) => [value.quantity, value.reason, value.restocked])).toEqual([
      [1, 'order_cancelled', true],
      [1, 'order_cancelled', false],
    ]);
    expect(new Set(released.map(({ value }) => value.metadata.eventId)).size).toBe(2);
    expect(
      itemsReleasedFor(cause, line, { lineItemId: 'l1', releasedUnits: 2, restockedUnits: 2 }, 'refunded').map(({ value }) => [
        value.quantity,
        value.reason,
      ]),
    ).toEqual([[2, 'refunded']]);
  });
});
