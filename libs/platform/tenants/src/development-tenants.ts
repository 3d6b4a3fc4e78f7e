import { Tenant } from './tenant';

/**
 * The local development tenant: the shop of the committed webhook fixtures (`fixtures/`), signed
 * with the official test-vector secrets, and the fixtures' Clerk instances. Used only outside production; production tenants come only from the environment.
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

/**
 * The development tenant's Shopify Admin API token: the reconciler's development default, accepted
 * only by the development Shopify stand-in that `npm start` runs. Production sets SHOPIFY_ADMIN_TOKENS.
 */
export const developmentShopifyAdminTokens: Readonly<Record<string, string>> = { 'dev-store': 'shpat_development_token' };
