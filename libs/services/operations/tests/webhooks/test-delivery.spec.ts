import { PlatformError } from '@consign/errors';
import { developmentTenants, TenantDirectory, Tenant } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import { shopifyHmacOf, svixSignatureOf } from '@consign/contracts';
import { prepareTestDelivery, topicFromFileName } from '@consign/operations';

const development = new TenantDirectory(developmentTenants);
const secondStore: Tenant = {
  ...development.tenants[0],
  id: 'second-store',
  shopDomain: 'second.myshopify.com',
  shopifyWebhookSecrets: ['second-secret'],
  clerkInstanceIds: ['ins_second'],
  clerkSigningSecrets: ['whsec_c2Vjb25kLXN0b3JlLXNpZ25pbmcta2V5'],
};
const twoStores = new TenantDirectory([...development.tenants, secondStore]);
const now = new Date('2026-12-06T10:00:00Z');

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as PlatformError).code;
  }
  return undefined;
}

describe('sender-side signatures', () => {
  it("reproduce Shopify's official test vector for the orders fixture", () => {
    // The HMAC the README's curl example has always carried for this body and the development secret.
    expect(shopifyHmacOf(readFixture('shopify/orders-create.json'), 'test_secret_key')).toBe(
      'LhASbyzfcQqs9sV1T7LsKkmXJaXg98nKfC8zMSvi4vc=',
    );
  });

  it("reproduce Svix's official test vector", () => {
    expect(
      svixSignatureOf('{"test": 2432232314}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('topicFromFileName', () => {
  it.each([
    ['fixtures/shopify/orders-create.json', 'orders/create'],
    ['orders-cancelled.json', 'orders/cancelled'],
    ['inventory-levels-update.json', 'inventory_levels/update'],
    ['/tmp/products-update-consignor.json', 'products/update'],
    ['Orders-Paid.JSON', 'orders/paid'],
    ['fixtures/development/refunds-create.json', 'refunds/create'],
  ])('reads %s as %s', (file, topic) => {
    expect(topicFromFileName(file)).toBe(topic);
  });

  it.each(['order.json', 'orders-created.json', 'my-orders-create.json', 'products.json'])('finds no topic in %s', (file) => {
    expect(topicFromFileName(file)).toBeUndefined();
  });
});

describe('prepareTestDelivery', () => {
  it("signs a Shopify body with the only tenant's current secret and Shopify's headers", () => {
    const body = readFixture('shopify/orders-create.json');
    const delivery = prepareTestDelivery(development, { body, fileName: 'fixtures/shopify/orders-create.json' }, now);
    expect(delivery).toMatchObject({ source: 'shopify', tenantId: 'dev-store', topic: 'orders/create', path: '/webhooks/shopify', body });
    expect(delivery.headers).toMatchObject({
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'shop.myshopify.com',
      'x-shopify-webhook-id': delivery.deliveryId,
      'x-shopify-triggered-at': '2026-12-06T10:00:00.000Z',
      'x-shopify-hmac-sha256': 'LhASbyzfcQqs9sV1T7LsKkmXJaXg98nKfC8zMSvi4vc=',
    });
  });

  it('makes new delivery and event ids on every send', () => {
    const request = { body: readFixture('shopify/products-create.json'), fileName: 'products-create.json' };
    const [first, second] = [prepareTestDelivery(development, request, now), prepareTestDelivery(development, request, now)];
    expect(first.deliveryId).not.toBe(second.deliveryId);
    expect(first.headers['x-shopify-event-id']).not.toBe(second.headers['x-shopify-event-id']);
  });

  it('takes --topic over the file name', () => {
    const delivery = prepareTestDelivery(
      development,
      { body: readFixture('development/products-update-consignor.json'), fileName: 'anything.json', topic: 'products/update' },
      now,
    );
    expect(delivery.headers['x-shopify-topic']).toBe('products/update');
  });

  it('signs a Clerk event with Svix, for the tenant that knows its instance', () => {
    const body = readFixture('clerk/user-created.json');
    const delivery = prepareTestDelivery(twoStores, { body, fileName: 'user-created.json' }, now);
    expect(delivery).toMatchObject({ source: 'clerk', tenantId: 'dev-store', topic: 'user.created', path: '/webhooks/clerk' });
    expect(delivery.deliveryId).toMatch(/^msg_/);
    expect(delivery.headers).toMatchObject({ 'svix-id': delivery.deliveryId, 'svix-timestamp': String(now.getTime() / 1000) });
    expect(delivery.headers['svix-signature']).toBe(
      svixSignatureOf(body, development.tenants[0].clerkSigningSecrets[0], delivery.deliveryId, now.getTime() / 1000),
    );
  });

  it('passes a tenant named for a Clerk event on to the gateway', () => {
    const delivery = prepareTestDelivery(
      twoStores,
      { body: readFixture('clerk/user-created.json'), fileName: 'user-created.json', tenantId: 'second-store' },
      now,
    );
    expect(delivery.path).toBe('/webhooks/clerk?tenant=second-store');
    expect(delivery.headers['svix-signature']).toBe(
      svixSignatureOf(delivery.body, secondStore.clerkSigningSecrets[0], delivery.deliveryId, now.getTime() / 1000),
    );
  });

  it('asks for --tenant when a Clerk event names no instance and several tenants are configured', () => {
    const body = Buffer.from(JSON.stringify({ object: 'event', type: 'user.created', data: { id: 'user_1' } }));
    expect(() => prepareTestDelivery(twoStores, { body, fileName: 'user.json' }, now)).toThrow(
      /names no Clerk instance .*name one with --tenant \(dev-store, second-store\)/,
    );
    expect(prepareTestDelivery(development, { body, fileName: 'user.json' }, now).tenantId).toBe('dev-store');
  });

  it('refuses what it cannot sign rightly, with a code', () => {
    const orders = readFixture('shopify/orders-create.json');
    expect(codeOf(() => prepareTestDelivery(development, { body: orders, fileName: 'order.json' }, now))).toBe(
      'operations.test_delivery_invalid',
    );
    expect(codeOf(() => prepareTestDelivery(twoStores, { body: orders, fileName: 'orders-create.json' }, now))).toBe('tenant.unknown');
    expect(codeOf(() => prepareTestDelivery(development, { body: orders, fileName: 'orders-create.json', tenantId: 'nobody' }, now))).toBe(
      'tenant.unknown',
    );
    expect(
      codeOf(() =>
        prepareTestDelivery(
          development,
          { body: readFixture('clerk/user-created.json'), fileName: 'user-created.json', topic: 'orders/create' },
          now,
        ),
      ),
    ).toBe('operations.test_delivery_invalid');
  });
});
