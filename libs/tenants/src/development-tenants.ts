import { Tenant } from './tenant';

/**
 * The local development tenant: the shared fixtures' shop, signed with the official test-vector
 * secrets, and the Clerk instances of the shared fixtures. Used only outside production; production tenants come only from the environment.
 */
export const developmentTenants: readonly Tenant[] = [
  {
    id: 'dev-store',
    shopDomain: 'shop.myshopify.com',
    shopifyWebhookSecrets: ['test_secret_key'],
    clerkInstanceIds: ['ins_123', 'ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S'],
    clerkSigningSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    currency: 'USD',
    defaultCommissionRateBasisPoints: 4000,
    consignorTagPrefix: 'consignor:',
  },
];
