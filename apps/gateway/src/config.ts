import {
  databaseTlsSettings,
  databaseUrlSetting,
  durationMs,
  host,
  integer,
  loadConfig,
  platformConnectionSettings,
  port,
  serviceCatalogue,
  setting,
} from '@consign/config';
import { maxRecordBytes } from '@consign/contracts';
import { tenantSecretsKeysSetting, tenantsSetting } from '@consign/tenants';
import { keyEncryptionKeysSetting } from '@consign/personal-data';
import { apiKeysSetting } from '@consign/service-runtime';
import { parseCidrList } from '@consign/webhook-gateway';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function gatewaySettings(env: NodeJS.ProcessEnv) {
  return {
    // The public listener serves the webhooks (and health probes) only: senders must reach it.
    port: port('GATEWAY_PORT', serviceCatalogue.gateway.port),
    host: host('GATEWAY_HOST', '0.0.0.0'),
    // The internal listener serves /admin and /metrics: this host only unless an operator opens it.
    internalPort: port('GATEWAY_INTERNAL_PORT', serviceCatalogue.gateway.internalPort),
    internalHost: host('GATEWAY_INTERNAL_HOST', '127.0.0.1'),
    ...platformConnectionSettings(env),
    databaseUrl: databaseUrlSetting('GATEWAY_DATABASE_URL', serviceCatalogue.gateway.database, env),
    ...databaseTlsSettings('GATEWAY_DATABASE', env),
    // The seed of the tenant directory; the tenant store adds to and overrides it at run time (decision 0018).
    tenants: tenantsSetting(env),
    // Opens the webhook secrets of the tenant store's tenants.
    tenantSecretsKeys: tenantSecretsKeysSetting(env),
    // Seal the raw archive's bodies (decision 0011).
    personalDataKeys: keyEncryptionKeysSetting(env),
    // The raw archive carries the whole body: it must fit in one Kafka record, with room for the delivery's headers.
    bodyLimitBytes: integer('WEBHOOK_BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024, max: maxRecordBytes - 256 * 1024 }),
    // Past it the gateway refuses new webhooks with 503 (WebhookAdmission): about a second of webhooks at 500/s.
    maxInFlight: integer('GATEWAY_MAX_IN_FLIGHT', 500, { min: 1 }),
    // Our own proxies (CIDRs): X-Forwarded-For is believed only hop by hop through them.
    trustedProxies: setting('GATEWAY_TRUSTED_PROXIES', (raw) => (raw ? parseCidrList(raw) : [])),
    shopifyAllowlist: setting('SHOPIFY_ALLOWED_IPS', (raw) => (raw ? parseCidrList(raw) : [])),
    clerkAllowlist: setting('CLERK_ALLOWED_IPS', (raw) => (raw ? parseCidrList(raw) : [])),
    shopifyMaxAgeMs: setting('SHOPIFY_MAX_DELIVERY_AGE', (raw) =>
      raw ? durationMs('SHOPIFY_MAX_DELIVERY_AGE', raw).parse(raw) : undefined,
    ),
    svixToleranceSeconds: integer('SVIX_TOLERANCE_SECONDS', 300, { min: 1, max: 3600 }),
    dedupeWindowMs: durationMs('DEDUPE_WINDOW', '48h'),
    // Every answered request (refused ones too) stays searchable this long: GET /admin/delivery-history.
    historyRetentionMs: durationMs('DELIVERY_HISTORY_RETENTION', '30d'),
    publishTimeoutMs: durationMs('GATEWAY_PUBLISH_TIMEOUT', '2s'),
    // Concurrent webhooks share their claim and their produce request (decision 0009).
    claimLingerMs: durationMs('GATEWAY_CLAIM_LINGER', '2ms'),
    apiKeys: apiKeysSetting(env),
    // A sender slower than these over its headers, or its whole request, is cut (408), and frees its admission slot.
    headersTimeoutMs: durationMs('GATEWAY_HEADERS_TIMEOUT', '10s'),
    requestTimeoutMs: durationMs('GATEWAY_REQUEST_TIMEOUT', '30s'),
    // One sender (client address) may hold this many of the GATEWAY_MAX_IN_FLIGHT webhooks at once; past it, 429.
    maxInFlightPerSender: integer('GATEWAY_MAX_IN_FLIGHT_PER_SENDER', 100, { min: 1 }),
  };
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewaySettings(env), env);
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
