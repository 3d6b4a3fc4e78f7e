import { sampleOrderCreated } from '@consign/test-support';
import { receivedOrderFrom } from './received-order';

describe('receivedOrderFrom', () => {
  it('keeps the order identity, totals and source time', () => {
    const event = sampleOrderCreated({ totalPrice: { amountMinor: 12345, currency: 'EUR' } }, '6f1c4a43-3a8e-5b7e-9c9e-000000000001');
    expect(receivedOrderFrom(event)).toEqual({
      eventId: '6f1c4a43-3a8e-5b7e-9c9e-000000000001',
      tenantId: 'dev-store',
      orderId: '820982911946154508',
      orderName: '#1001',
      lineCount: 0,
      totalMinor: 12345,
      currency: 'EUR',
      occurredAt: new Date('2026-01-01T10:00:00Z'),
    });
  });
});
