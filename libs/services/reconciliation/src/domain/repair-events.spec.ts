import { events } from '@consign/contracts';
import { repairEventsOf } from './repair-events';
import { ShopifyOrderState } from './shopify-state';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const state: ShopifyOrderState = {
  order: {
    id: '820982911946154508',
    name: '#1001',
    createdAt: '2026-11-28T10:00:00-05:00',
    financialStatus: 'paid',
    customerId: '115310627314723954',
    totalPrice: usd(10_000),
    lineItems: [
      {
        id: '466157049',
        productId: '632910392',
        variantId: '808950810',
        sku: 'A',
        title: 'Jacket',
        quantity: 1,
        unitPrice: usd(10_000),
        totalDiscount: usd(0),
      },
    ],
  },
  updatedAt: '2026-11-28T11:00:00-05:00',
  cancelledAt: '2026-11-28T11:00:00-05:00',
  cancelReason: 'customer',
  totalOutstanding: usd(0),
  currentQuantities: { '466157049': 0 },
  refunds: [],
  lineProductTags: { '466157049': ['consignor:c-7'] },
};
const discrepancy = { id: 'd-1', kind: 'order_missing' as const, subjectId: state.order.id, shopifyValue: { ...state } };
const context = { tenantId: 'dev-store', runId: 'run-1', observedAt: Date.parse('2026-11-28T17:00:00Z') };

describe('repairEventsOf', () => {
  it('replays a missing order as created, paid and cancelled, marked as the reconciler run and discrepancy', () => {
    const published = repairEventsOf(discrepancy, context);
    expect(published.map((event) => event.definition.type)).toEqual([
      events.shopifyOrderCreated.type,
      events.shopifyOrderPaid.type,
      events.shopifyOrderCancelled.type,
    ]);
    expect(published[0].value.metadata).toMatchObject({
      source: 'reconciler',
      tenantId: 'dev-store',
      correlationId: 'run-1',
      causationId: 'd-1',
      occurredAt: Date.parse('2026-11-28T10:00:00-05:00'),
      receivedAt: context.observedAt,
    });
    expect(published[2].value).toMatchObject({
      cancelledAt: '2026-11-28T11:00:00-05:00',
      cancelReason: 'customer',
      currentQuantities: { '466157049': 0 },
    });
  });

  it('derives event ids from the kind, subject and Shopify version, not from the run', () => {
    const ids = (events: ReturnType<typeof repairEventsOf>) => events.map((event) => event.value.metadata.eventId);
    const first = ids(repairEventsOf(discrepancy, context));
    expect(
      ids(repairEventsOf({ ...discrepancy, id: 'd-2' }, { ...context, runId: 'run-2', observedAt: context.observedAt + 3_600_000 })),
    ).toEqual(first);
    expect(
      ids(repairEventsOf({ ...discrepancy, shopifyValue: { ...state, updatedAt: '2026-11-28T12:00:00-05:00' } }, context)),
    ).not.toEqual(first);
    expect(new Set(first).size).toBe(3);
  });

  it('publishes only what was missed for a cancellation, and the level Shopify holds for a count', () => {
    expect(
      repairEventsOf({ ...discrepancy, kind: 'order_cancelled_in_shopify_only' }, context).map((event) => event.definition.type),
    ).toEqual([events.shopifyOrderCancelled.type]);
    const [level] = repairEventsOf(
      {
        id: 'd-3',
        kind: 'inventory_level_differs',
        subjectId: '808950810',
        shopifyValue: { inventoryItemId: '39072856', locationId: '655441491', available: 3, updatedAt: '2026-11-28T09:00:00-05:00' },
      },
      context,
    );
    expect(level.value).toMatchObject({
      inventoryItemId: '39072856',
      locationId: '655441491',
      available: 3,
      updatedAt: '2026-11-28T09:00:00-05:00',
    });
  });

  it('refuses kinds Shopify cannot correct', () => {
    expect(() => repairEventsOf({ ...discrepancy, kind: 'earnings_mismatch' }, context)).toThrow('no corrective event');
  });
});
