import { loadConfig } from '@consign/config';
import { Tenant, TenantDirectory, tenantsSetting } from './index';
import { parseTenants } from './tenant';

const valid = {
  id: 'acme',
  shopDomain: 'Acme.myshopify.com',
  shopifyWebhookSecrets: ['new-secret', 'old-secret'],
  clerkInstanceIds: ['ins_acme'],
  clerkSigningSecrets: ['whsec_YWNtZS1zdG9yZS1zaWduaW5nLWtleQ=='],
  currency: 'EUR',
};

describe('tenants', () => {
  it('parses tenants and finds them by shop domain, case-insensitively', () => {
    const { tenants } = loadConfig({ tenants: tenantsSetting({}) }, { TENANTS: JSON.stringify([valid]) });
    expect(tenants.byShopDomain('ACME.myshopify.com')?.id).toBe('acme');
    expect(tenants.byClerkInstanceId('ins_acme')?.shopifyWebhookSecrets).toEqual(['new-secret', 'old-secret']);
    expect(tenants.byShopDomain('other.myshopify.com')).toBeUndefined();
    expect(tenants.byId('acme')).toMatchObject({ defaultCommissionRateBasisPoints: 4000, consignorTagPrefix: 'consignor:' });
    expect(() => tenants.requireById('nope')).toThrow(expect.objectContaining({ code: 'tenant.unknown', category: 'invalid' }));
  });

  it.each([
    ['the development Shopify secret', { shopifyWebhookSecrets: ['test_secret_key'] }, 'shopifyWebhookSecrets'],
    ["Svix's documented secret", { clerkSigningSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] }, 'clerkSigningSecrets'],
    ["Svix's documented secret without its prefix", { clerkSigningSecrets: ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] }, 'clerkSigningSecrets'],
  ])('refuses %s outside development, naming the variable and the field', (_name, secrets, field) => {
    const tenants = JSON.stringify([{ ...valid, ...secrets }]);
    expect(() => loadConfig({ tenants: tenantsSetting({ NODE_ENV: 'prod' }) }, { TENANTS: tenants })).toThrow(
      `TENANTS: tenant #0 (acme): ${field} holds a public test secret`,
    );
    expect(loadConfig({ tenants: tenantsSetting({ NODE_ENV: 'development' }) }, { TENANTS: tenants }).tenants.byId('acme')).toBeDefined();
  });

  it.each([{}, { NODE_ENV: 'prod' }, { NODE_ENV: 'Production' }, { NODE_ENV: 'test' }])(
    'requires TENANTS with NODE_ENV %j (only "development" is development)',
    (env) => {
      expect(() => loadConfig({ tenants: tenantsSetting(env) }, {})).toThrow('TENANTS: is required but not set');
    },
  );

  it('requires TENANTS in production and defaults to the development tenant in development', () => {
    expect(() => loadConfig({ tenants: tenantsSetting({}) }, {})).toThrow('TENANTS: is required but not set');
    const { tenants } = loadConfig({ tenants: tenantsSetting({ NODE_ENV: 'development' }) }, {});
    expect(tenants.byShopDomain('shop.myshopify.com')?.shopifyWebhookSecrets).toEqual(['test_secret_key']);
  });

  it('takes an empty TENANTS: every tenant then comes from the tenant store', () => {
    expect(loadConfig({ tenants: tenantsSetting({ NODE_ENV: 'prod' }) }, { TENANTS: '[]' }).tenants.tenants).toEqual([]);
  });

  it.each([
    [{}, 'must be a JSON array of tenants'],
    [[{ ...valid, shopDomain: 'acme.com' }], 'tenant #0 (acme): shopDomain must look like name.myshopify.com'],
    [[{ ...valid, shopifyWebhookSecrets: [] }], 'tenant #0 (acme): shopifyWebhookSecrets needs at least one secret'],
    [[valid, { ...valid, id: 'copy' }], 'tenant #1 (copy): shopDomain acme.myshopify.com is listed twice'],
    [[{ ...valid, currency: 'euro' }], 'tenant #0 (acme): currency must be an ISO 4217 code such as USD'],
    [[{ shopDomain: 'a.myshopify.com' }], 'tenant #0: id must be a non-empty string'],
    [
      [{ ...valid, defaultCommissionRateBasisPoints: 10_001 }],
      'tenant #0 (acme): defaultCommissionRateBasisPoints must be an integer from 0 to 10000',
    ],
    [[{ ...valid, consignorTagPrefix: '' }], 'tenant #0 (acme): consignorTagPrefix must be a non-empty string without commas'],
  ])('rejects %j', (input, message) => {
    expect(() => parseTenants(input)).toThrow(message);
  });
});

describe('TenantDirectory with the tenant store', () => {
  const seeded = parseTenants([valid])[0];
  const stored = (id: string, shopDomain: string, secret: string): Tenant => ({
    ...seeded,
    id,
    shopDomain,
    shopifyWebhookSecrets: [secret],
    clerkInstanceIds: [`ins_${id}`],
  });

  it('finds a stored tenant by id, shop and Clerk instance, from the change on', () => {
    const directory = new TenantDirectory([seeded]);
    expect(directory.byShopDomain('new.myshopify.com')).toBeUndefined();
    directory.applyStored('new', stored('new', 'new.myshopify.com', 's-new'));
    expect(directory.byShopDomain('NEW.myshopify.com')?.id).toBe('new');
    expect(directory.byClerkInstanceId('ins_new')?.id).toBe('new');
    expect(directory.tenants.map((tenant) => tenant.id)).toEqual(['acme', 'new']);
    directory.applyStored('new', undefined);
    expect(directory.byId('new')).toBeUndefined();
    expect(directory.byShopDomain('new.myshopify.com')).toBeUndefined();
    expect(() => directory.requireById('new')).toThrow(expect.objectContaining({ code: 'tenant.unknown' }));
  });

  it('lets the stored tenant override the seeded one with its id, and shows the seeded one again once removed', () => {
    const directory = new TenantDirectory([seeded]);
    directory.applyStored('acme', { ...seeded, shopifyWebhookSecrets: ['rotated', 'new-secret'] });
    expect(directory.byShopDomain('acme.myshopify.com')?.shopifyWebhookSecrets).toEqual(['rotated', 'new-secret']);
    expect(directory.tenants).toHaveLength(1);
    directory.applyStored('acme', undefined);
    expect(directory.byShopDomain('acme.myshopify.com')?.shopifyWebhookSecrets).toEqual(['new-secret', 'old-secret']);
  });

  it('forgets the old shop domain of a stored tenant that moved', () => {
    const directory = new TenantDirectory([]);
    directory.applyStored('moving', stored('moving', 'before.myshopify.com', 's'));
    directory.applyStored('moving', stored('moving', 'after.myshopify.com', 's'));
    expect(directory.byShopDomain('before.myshopify.com')).toBeUndefined();
    expect(directory.byShopDomain('after.myshopify.com')?.id).toBe('moving');
  });
});
