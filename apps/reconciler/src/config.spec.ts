import { loadReconcilerConfig } from './config';

describe('loadReconcilerConfig', () => {
  it('in development, defaults to the local platform, an hourly schedule over the last 24 h, and the development shop token', () => {
    const config = loadReconcilerConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({
      port: 3005,
      host: '127.0.0.1',
      readApiKey: 'dev-admin-key',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_reconciler',
      inventoryUrl: 'http://127.0.0.1:3001',
      earningsUrl: 'http://127.0.0.1:3002',
      shopifyAdminTokens: { 'dev-store': 'shpat_development_token' },
      shopifyAdminApiVersion: '2026-07',
      shopifyAdminApiOrigin: undefined,
      scheduleEveryMs: 3_600_000,
      windowMs: 86_400_000,
    });
  });

  it('reads the schedule, the window, the Shopify origin override and the tokens', () => {
    const config = loadReconcilerConfig({
      NODE_ENV: 'development',
      RECONCILER_SCHEDULE: 'off',
      RECONCILER_WINDOW: '2h',
      SHOPIFY_ADMIN_API_ORIGIN: 'http://127.0.0.1:4321',
      SHOPIFY_ADMIN_TOKENS: '{"acme":"shpat_acme"}',
    });
    expect(config).toMatchObject({
      scheduleEveryMs: undefined,
      windowMs: 7_200_000,
      shopifyAdminApiOrigin: 'http://127.0.0.1:4321',
      shopifyAdminTokens: { acme: 'shpat_acme' },
    });
  });

  it('requires the tokens, the read key and every endpoint in production and refuses bad values by name', () => {
    expect(() =>
      loadReconcilerConfig({
        NODE_ENV: 'production',
        TENANTS: '[{"id":"a","shopDomain":"a.myshopify.com","shopifyWebhookSecrets":["s"]}]',
      }),
    ).toThrow(
      /RECONCILER_DATABASE_URL: is required[\s\S]*API_KEYS: is required[\s\S]*RECONCILER_INVENTORY_URL: is required[\s\S]*RECONCILER_READ_API_KEY: is required[\s\S]*SHOPIFY_ADMIN_TOKENS: is required but not set/,
    );
    expect(() =>
      loadReconcilerConfig({ NODE_ENV: 'development', RECONCILER_SCHEDULE: 'hourly', SHOPIFY_ADMIN_TOKENS: '{"a":""}' }),
    ).toThrow(/SHOPIFY_ADMIN_TOKENS: the token of tenant a[\s\S]*RECONCILER_SCHEDULE: must be a duration/);
  });
});
