import { events } from '@consign/contracts';
import { TenantDirectory } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import { deliveryKeyOf } from '../../src/intake/delivery-store';
import { signShopifyBody } from '../../src/shopify/shopify-signature';
import { verifyShopifyWebhook } from '../../src/shopify/shopify-verification';
import { incomingWebhook, refusalOf } from '../support/incoming-webhooks';
import { testTenant } from '../support/test-tenants';

const shop = testTenant('verified-store', { shopifyWebhookSecrets: ['old-secret', 'current-secret'], currency: 'EUR' });
const now = Date.parse('2026-12-07T10:00:00Z');
const settings = { tenants: new TenantDirectory([shop]), now: () => now };
const order = readFixture('shopify/orders-create.json');

function headersOf(body: Buffer, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'x-shopify-topic': 'orders/create',
    'x-shopify-shop-domain': shop.shopDomain,
    'x-shopify-webhook-id': 'webhook-1',
    'x-shopify-event-id': 'event-1',
    'x-shopify-triggered-at': '2026-12-07T09:59:00Z',
    'x-shopify-hmac-sha256': signShopifyBody(body, 'current-secret'),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe('verifyShopifyWebhook', () => {
  it('returns the verified delivery of a signed order, with its dedupe key, ids and mapped event', () => {
    const incoming = incomingWebhook(order, headersOf(order));
    const delivery = verifyShopifyWebhook(incoming, 'order', settings);
    expect(delivery).toMatchObject({
      source: 'shopify',
      tenantId: 'verified-store',
      deliveryKey: deliveryKeyOf('shopify', shop.shopDomain, 'webhook-1'),
      deliveryId: 'webhook-1',
      sourceEventId: 'event-1',
      topic: 'orders/create',
      body: order,
      requestId: 'request-1',
    });
    expect(delivery.event.definition).toBe(events.shopifyOrderCreated);
    expect(delivery.event.value).toMatchObject({ metadata: { tenantId: 'verified-store', shopifyWebhookId: 'webhook-1' } });
    expect(incoming.notes).toEqual([
      { tenant: 'verified-store' },
      { topic: 'orders/create', webhookId: 'webhook-1', shopifyEventId: 'event-1', triggeredAt: '2026-12-07T09:59:00Z' },
    ]);
  });

  it('takes any supported topic on the routing endpoint, and a topic only on its own path otherwise', () => {
    const cancelled = readFixture('shopify/orders-cancelled.json');
    const headers = headersOf(cancelled, { 'x-shopify-topic': 'orders/cancelled' });
    expect(verifyShopifyWebhook(incomingWebhook(cancelled, headers), undefined, settings).event.definition).toBe(
      events.shopifyOrderCancelled,
    );
    expect(verifyShopifyWebhook(incomingWebhook(cancelled, headers), 'order/cancelled', settings).topic).toBe('orders/cancelled');
    expect(
      refusalOf(() => verifyShopifyWebhook(incomingWebhook(cancelled, headers, { path: '/webhooks/shopify/order' }), 'order', settings)),
    ).toEqual({
      code: 'shopify.topic_not_accepted',
      message: 'topic "orders/cancelled" does not belong on /webhooks/shopify/order',
      details: { acceptedPaths: ['/webhooks/shopify/order/cancelled'] },
    });
  });

  it('refuses an unknown shop before anything else, and notes nothing', () => {
    const incoming = incomingWebhook(order, headersOf(order, { 'x-shopify-shop-domain': 'stranger.myshopify.com' }));
    expect(refusalOf(() => verifyShopifyWebhook(incoming, 'order', settings))).toMatchObject({ code: 'shopify.unknown_shop' });
    expect(incoming.notes).toEqual([]);
  });

  it('refuses a wrong signature before the body is parsed or a header believed, with the shop noted', () => {
    const notJson = Buffer.from('{"id": 1,');
    const incoming = incomingWebhook(notJson, headersOf(notJson, { 'x-shopify-hmac-sha256': signShopifyBody(notJson, 'stranger') }));
    expect(refusalOf(() => verifyShopifyWebhook(incoming, 'order', settings))).toMatchObject({ code: 'shopify.signature_invalid' });
    expect(incoming.notes).toEqual([{ tenant: 'verified-store' }]);
  });

  it('verifies with any of the shop’s secrets, and answers a missing signature as a wrong one', () => {
    const signedWithOld = headersOf(order, { 'x-shopify-hmac-sha256': signShopifyBody(order, 'old-secret') });
    expect(verifyShopifyWebhook(incomingWebhook(order, signedWithOld), 'order', settings).deliveryId).toBe('webhook-1');
    const unsigned = incomingWebhook(order, headersOf(order, { 'x-shopify-hmac-sha256': undefined }));
    expect(refusalOf(() => verifyShopifyWebhook(unsigned, 'order', settings))).toMatchObject({ code: 'shopify.signature_invalid' });
  });

  it.each([
    ['an unsupported topic', { 'x-shopify-topic': 'customers/create' }, 'shopify.topic_not_supported'],
    ['a topic named like an object member', { 'x-shopify-topic': 'constructor' }, 'shopify.topic_not_supported'],
    ['no webhook id', { 'x-shopify-webhook-id': undefined }, 'shopify.header_missing'],
  ])('refuses %s once the signature is checked', (_case, overrides, code) => {
    expect(refusalOf(() => verifyShopifyWebhook(incomingWebhook(order, headersOf(order, overrides)), undefined, settings))).toMatchObject({
      code,
    });
  });

  it('refuses a delivery triggered longer ago than the maximum age, or at a time it cannot read, only when a maximum is set', () => {
    const stale = headersOf(order, { 'x-shopify-triggered-at': '2026-12-07T09:00:00Z' });
    const limited = { ...settings, maxAgeMs: 30 * 60_000 };
    expect(refusalOf(() => verifyShopifyWebhook(incomingWebhook(order, stale), 'order', limited))).toMatchObject({
      code: 'shopify.delivery_too_old',
    });
    const unreadable = headersOf(order, { 'x-shopify-triggered-at': 'yesterday' });
    expect(refusalOf(() => verifyShopifyWebhook(incomingWebhook(order, unreadable), 'order', limited))).toMatchObject({
      code: 'shopify.delivery_too_old',
    });
    expect(verifyShopifyWebhook(incomingWebhook(order, stale), 'order', settings).deliveryId).toBe('webhook-1');
  });
});
