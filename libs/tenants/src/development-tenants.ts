import { Tenant } from './tenant';

/**
 * The local development tenant: the shared fixtures' shop, signed with the official test-vector
 * secrets. Used only outside production; production tenants come only from the environment.
 */
export const developmentTenants: readonly Tenant[] = [
  {
    id: 'dev-store',
    shopDomain: 'shop.myshopify.com',
    shopifyWebhookSecrets: ['test_secret_key'],
    clerkInstanceId: 'ins_dev_store',
    clerkSigningSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    currency: 'USD',
  },
];
