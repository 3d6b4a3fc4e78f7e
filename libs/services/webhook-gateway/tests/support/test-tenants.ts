import { Tenant } from '@consign/tenants';

/** A tenant with no secrets and the defaults, given its id; the overrides add what a test needs. */
export function testTenant(id: string, overrides: Partial<Tenant>): Tenant {
  return {
    id,
    shopDomain: `${id}.myshopify.com`,
    shopifyWebhookSecrets: [],
    clerkInstanceIds: [],
    clerkSigningSecrets: [],
    currency: 'USD',
    defaultCommissionRateBasisPoints: 4000,
    consignorTagPrefix: 'consignor:',
    ...overrides,
  };
}
