import { randomUUID } from 'node:crypto';
import { DeliveryClaim } from '../../src/intake/delivery-store';

/** A claim for a new orders/create delivery with fresh ids, as the webhook router would make it. */
export function deliveryClaimFor(overrides: Partial<DeliveryClaim> = {}): DeliveryClaim {
  const deliveryId = randomUUID();
  return {
    deliveryKey: `shopify:shop.myshopify.com:${deliveryId}`,
    source: 'shopify',
    tenantId: 'dev-store',
    topic: 'orders/create',
    deliveryId,
    sourceEventId: randomUUID(),
    eventId: randomUUID(),
    requestId: randomUUID(),
    subjectId: randomUUID(),
    ...overrides,
  };
}
