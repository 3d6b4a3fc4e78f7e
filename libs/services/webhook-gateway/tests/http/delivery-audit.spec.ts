import { PlatformError } from '@consign/errors';
import { DeliveryAudit } from '../../src/http/delivery-audit';

const request = (headers: Record<string, string>) => ({ headers, header: (name: string) => headers[name.toLowerCase()] });
const at = { receivedAt: new Date('2026-12-07T10:00:00Z'), sourceAddress: '127.0.0.1', requestId: 'request-1' };

describe('DeliveryAudit', () => {
  it('records an accepted delivery with what the intake did, and keeps no signature', () => {
    const audit = new DeliveryAudit('shopify');
    audit.note({ tenant: 'store', topic: 'orders/create', webhookId: 'webhook-1' });
    audit.note({ deliveryKey: 'shopify:store:webhook-1', subjectId: '42' });
    audit.note({ outcome: 'published_without_dedupe', eventId: 'event-1' });
    expect(audit.metricsOutcome()).toBe('accepted');
    expect(audit.topicLabel()).toBe('orders/create');
    expect(audit.historyEntry(request({ 'x-shopify-hmac-sha256': 'sig', 'x-shopify-topic': 'orders/create' }), 200, at)).toEqual({
      ...at,
      source: 'shopify',
      tenantId: 'store',
      topic: 'orders/create',
      deliveryId: 'webhook-1',
      deliveryKey: 'shopify:store:webhook-1',
      subjectId: '42',
      eventId: 'event-1',
      outcome: 'published',
      reason: null,
      detail: null,
      httpStatus: 200,
      headers: { 'x-shopify-topic': 'orders/create' },
    });
  });

  it('records a refusal with its code and what the sender claimed, unverified, and no dedupe key', () => {
    const audit = new DeliveryAudit('clerk');
    audit.note({ tenant: 'store' });
    audit.note({ deliveryKey: 'clerk:store:msg_1' });
    audit.refused(new PlatformError('x'.repeat(1200), { code: 'svix.signature_invalid', category: 'unauthorized' }));
    const entry = audit.historyEntry(request({ 'svix-id': 'msg_1' }), 401, at);
    expect(entry).toMatchObject({
      tenantId: 'store',
      deliveryId: 'msg_1',
      deliveryKey: null,
      outcome: 'rejected',
      reason: 'svix.signature_invalid',
    });
    expect(entry.detail).toHaveLength(1000);
    expect(audit.metricsOutcome()).toBe('rejected');
    expect(audit.logFields()).toMatchObject({ source: 'clerk', tenant: 'store', outcome: 'rejected', code: 'svix.signature_invalid' });
  });

  it('names a refusal without a code by its status, and an answer after an intake outcome that failed as rejected', () => {
    const audit = new DeliveryAudit('clerk');
    audit.note({ outcome: 'duplicate' });
    expect(audit.historyEntry(request({}), 503, at)).toMatchObject({ outcome: 'rejected', reason: 'http.status_503' });
    expect(audit.metricsOutcome()).toBe('duplicate');
  });

  it('folds a topic we do not take into one label, so a sender cannot mint label values', () => {
    const audit = new DeliveryAudit('shopify');
    expect(audit.topicLabel()).toBe('none');
    audit.note({ topic: 'customers/create' });
    expect(audit.topicLabel()).toBe('unsupported');
    audit.note({ topic: '__proto__' });
    expect(audit.topicLabel()).toBe('unsupported');
    audit.note({ topic: 'user.created' });
    expect(audit.topicLabel()).toBe('unsupported');
  });
});
