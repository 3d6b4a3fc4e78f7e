import { events } from '@consign/contracts';
import { TenantDirectory } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import { verifyClerkWebhook } from '../../src/clerk/clerk-verification';
import { archivableHeaders, archivedWebhookOf, bodyOwnerOf } from '../../src/intake/delivery-records';
import { signShopifyBody } from '../../src/shopify/shopify-signature';
import { verifyShopifyWebhook } from '../../src/shopify/shopify-verification';
import { signSvixBody } from '../../src/svix/svix-signature';
import { incomingWebhook } from '../support/incoming-webhooks';
import { testTenant } from '../support/test-tenants';

const tenant = testTenant('records-store', {
  shopifyWebhookSecrets: ['shop-secret'],
  clerkInstanceIds: ['ins_123'],
  clerkSigningSecrets: [`whsec_${Buffer.from('clerk-secret').toString('base64')}`],
});
const now = Date.parse('2026-12-07T10:00:00Z');
const tenants = new TenantDirectory([tenant]);

function shopifyOrder() {
  const body = readFixture('shopify/orders-create.json');
  const headers = {
    'x-shopify-topic': 'orders/create',
    'x-shopify-shop-domain': tenant.shopDomain,
    'x-shopify-webhook-id': 'webhook-7',
    'x-shopify-hmac-sha256': signShopifyBody(body, 'shop-secret'),
  };
  return verifyShopifyWebhook(incomingWebhook(body, headers), 'order', { tenants, now: () => now });
}

function clerkUser() {
  const body = readFixture('clerk/user-created.json');
  const timestamp = Math.floor(now / 1000);
  const headers = {
    'svix-id': 'msg_7',
    'svix-timestamp': String(timestamp),
    'svix-signature': signSvixBody(body, tenant.clerkSigningSecrets[0], 'msg_7', timestamp),
  };
  return verifyClerkWebhook(incomingWebhook(body, headers), 'user', { tenants, now: () => now, svixToleranceSeconds: 300 });
}

describe('archivableHeaders', () => {
  it('keeps the sender’s headers with lower-cased names, joined when repeated, and drops every one that proves or grants something', () => {
    expect(
      archivableHeaders({
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': 'sig',
        'shopify-hmac-sha256': 'sig',
        'svix-signature': 'v1,sig',
        'webhook-signature': 'v1,sig',
        authorization: 'Bearer x',
        cookie: 'a=b',
        'x-api-key': 'key',
        'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] as unknown as string,
      }),
    ).toEqual({ 'x-shopify-topic': 'orders/create', 'x-forwarded-for': '10.0.0.1, 10.0.0.2' });
  });
});

describe('archivedWebhookOf', () => {
  it('records the delivery under an event id of its own, derived from its event’s, with the sender’s headers and the body as archived', () => {
    const delivery = shopifyOrder();
    const metadata = (delivery.event.value as { metadata: { eventId: string; correlationId: string } }).metadata;
    const archived = archivedWebhookOf(
      delivery,
      { 'x-shopify-topic': 'orders/create' },
      { body: Buffer.from('sealed'), bodySealedFor: 'store:x' },
    );
    expect(archived).toEqual({
      metadata: {
        ...metadata,
        eventId: `${metadata.eventId}:raw:webhook-7`,
        eventType: events.rawWebhookArchived.type,
        schemaVersion: events.rawWebhookArchived.schemaVersion,
      },
      source: 'shopify',
      deliveryId: 'webhook-7',
      topic: 'orders/create',
      headers: { 'x-shopify-topic': 'orders/create' },
      body: Buffer.from('sealed'),
      bodySealedFor: 'store:x',
    });
  });
});

describe('bodyOwnerOf', () => {
  it('gives a Shopify body to its store and a Clerk body to its user', () => {
    expect(bodyOwnerOf(shopifyOrder())).toEqual({ source: 'shopify', tenantId: 'records-store' });
    expect(bodyOwnerOf(clerkUser())).toEqual({ source: 'clerk', clerkUserId: 'user_29w83sxmDNGwOuEthce5gg56FcC' });
  });
});
