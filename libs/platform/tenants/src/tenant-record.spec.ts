import { Tenant } from './tenant';
import { tenantOfRecord, tenantRecord, withPreviousSecretsRetired, withRotatedSecret } from './tenant-record';
import { TenantSecretsKeys } from './tenant-secrets';

const acme: Tenant = {
  id: 'acme',
  shopDomain: 'acme.myshopify.com',
  shopifyWebhookSecrets: ['shpss_one'],
  clerkInstanceIds: ['ins_acme'],
  clerkSigningSecrets: ['whsec_b25l'],
  currency: 'EUR',
  defaultCommissionRateBasisPoints: 3500,
  consignorTagPrefix: 'owner:',
};
const keys = new TenantSecretsKeys([{ id: 'k1', key: Buffer.alloc(32, 1) }]);
const about = { eventId: 'e-1', at: new Date('2026-01-01T00:00:00Z'), correlationId: 'tenants:add' };

describe('tenant records', () => {
  it('round-trips a tenant through its record with the keys, secrets sealed in between', () => {
    const record = tenantRecord(acme, keys, about);
    expect(record).toMatchObject({
      tenantId: 'acme',
      shopDomain: 'acme.myshopify.com',
      metadata: { eventType: 'tenant.configured', tenantId: 'acme', source: 'operator' },
    });
    expect(JSON.stringify(record)).not.toContain('shpss_one');
    expect(tenantOfRecord(record, keys)).toEqual(acme);
  });

  it('gives an app without the keys the tenant without its secrets', () => {
    expect(tenantOfRecord(tenantRecord(acme, keys, about), undefined)).toEqual({
      ...acme,
      shopifyWebhookSecrets: [],
      clerkSigningSecrets: [],
    });
  });

  it('refuses a record sealed under a key the reader does not hold', () => {
    const other = new TenantSecretsKeys([{ id: 'k1', key: Buffer.alloc(32, 2) }]);
    expect(() => tenantOfRecord(tenantRecord(acme, keys, about), other)).toThrow(
      expect.objectContaining({ code: 'tenant.secrets_unreadable' }),
    );
  });
});

describe('secret rotation', () => {
  it('puts the new secret first and keeps the previous one accepted until it is retired', () => {
    const rotated = withRotatedSecret(acme, 'shopify', 'shpss_two');
    expect(rotated.shopifyWebhookSecrets).toEqual(['shpss_two', 'shpss_one']);
    expect(rotated.clerkSigningSecrets).toEqual(acme.clerkSigningSecrets);
    expect(withPreviousSecretsRetired(rotated, 'shopify').shopifyWebhookSecrets).toEqual(['shpss_two']);
  });

  it('rotates the Clerk secret apart from the Shopify one', () => {
    const rotated = withRotatedSecret(acme, 'clerk', 'whsec_dHdv');
    expect(rotated).toMatchObject({ clerkSigningSecrets: ['whsec_dHdv', 'whsec_b25l'], shopifyWebhookSecrets: ['shpss_one'] });
  });

  it('refuses a secret that is already listed', () => {
    expect(() => withRotatedSecret(acme, 'shopify', 'shpss_one')).toThrow('already listed');
  });
});
