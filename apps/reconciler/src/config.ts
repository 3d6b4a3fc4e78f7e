import {
  databaseTlsSettings,
  lagExporterSettings,
  databaseUrlSetting,
  developmentDefault,
  durationMs,
  host,
  isDevelopment,
  json,
  loadConfig,
  localAppUrl,
  platformConnectionSettings,
  port,
  serviceCatalogue,
  setting,
  text,
  url,
} from '@consign/config';
import { apiKeysSetting, developmentAdminKey } from '@consign/service-runtime';
import { shopifyAdminApiVersion } from '@consign/reconciliation';
import { developmentShopifyAdminTokens, tenantsSetting } from '@consign/tenants';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function reconcilerSettings(env: NodeJS.ProcessEnv) {
  return {
    port: port('RECONCILER_PORT', serviceCatalogue.reconciler.port),
    // Its API shows runs and repairs: reachable from this host only unless an operator opens it.
    host: host('RECONCILER_HOST', '127.0.0.1'),
    databaseUrl: databaseUrlSetting('RECONCILER_DATABASE_URL', serviceCatalogue.reconciler.database, env),
    ...databaseTlsSettings('RECONCILER_DATABASE', env),
    ...platformConnectionSettings(env),
    tenants: tenantsSetting(env),
    apiKeys: apiKeysSetting(env),
    inventoryUrl: url('RECONCILER_INVENTORY_URL', developmentDefault(env, localAppUrl('inventory-service')), ['http', 'https']),
    earningsUrl: url('RECONCILER_EARNINGS_URL', developmentDefault(env, localAppUrl('earnings-service')), ['http', 'https']),
    // A key with the read scope on inventory-service and earnings-service, whose read APIs the reconciler compares.
    readApiKey: text('RECONCILER_READ_API_KEY', developmentDefault(env, developmentAdminKey)),
    // Tenant id → Admin API access token of that tenant's shop.
    shopifyAdminTokens: json(
      'SHOPIFY_ADMIN_TOKENS',
      tokenMap,
      isDevelopment(env) ? () => ({ ...developmentShopifyAdminTokens }) : undefined,
    ),
    shopifyAdminApiVersion: text('SHOPIFY_ADMIN_API_VERSION', shopifyAdminApiVersion),
    // Unset in production: requests go to https://<shop domain>. A stand-in's origin in tests and local runs.
    shopifyAdminApiOrigin: setting('SHOPIFY_ADMIN_API_ORIGIN', (raw) =>
      raw === undefined ? undefined : url('SHOPIFY_ADMIN_API_ORIGIN', undefined, ['http', 'https']).parse(raw),
    ),
    // The consumer group that keeps the apps' admin calls in the audit log.
    auditConsumerGroup: text('RECONCILER_AUDIT_CONSUMER_GROUP', serviceCatalogue.reconciler.auditConsumerGroup),
    // How often every tenant is reconciled: a duration, or `off`.
    scheduleEveryMs: setting('RECONCILER_SCHEDULE', (raw) =>
      raw?.trim() === 'off' ? undefined : durationMs('RECONCILER_SCHEDULE', '1h').parse(raw),
    ),
    // The window of a scheduled or on-demand run: orders Shopify updated in the last RECONCILER_WINDOW.
    windowMs: durationMs('RECONCILER_WINDOW', '24h'),
    // The consumer lag it reads from Kafka for every group (decision 0022).
    ...lagExporterSettings(),
  };
}

export function loadReconcilerConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(reconcilerSettings(env), env);
}

function tokenMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('must be a JSON object of tenant id → Admin API access token');
  for (const [tenantId, token] of Object.entries(value)) {
    if (typeof token !== 'string' || token.trim() === '') throw new Error(`the token of tenant ${tenantId} must be a non-empty string`);
  }
  return value as Record<string, string>;
}
