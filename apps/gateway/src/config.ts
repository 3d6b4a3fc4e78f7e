import { databaseUrlDefault, durationMs, integer, list, loadConfig, platformDefaults, port, setting, url } from '@consign/config';
import { maxRecordBytes } from '@consign/contracts';
import { tenantsSetting } from '@consign/tenants';
import { adminApiKeyHashesSetting } from '@consign/service-runtime';
import { parseCidrList } from '@consign/webhook-gateway';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function gatewaySettings(env: NodeJS.ProcessEnv) {
  return {
    port: port('GATEWAY_PORT', 3000),
    kafkaBrokers: list('KAFKA_BROKERS', [...platformDefaults.kafkaBrokers]),
    schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl, ['http', 'https']),
    databaseUrl: url('GATEWAY_DATABASE_URL', databaseUrlDefault('gateway'), ['postgres', 'postgresql']),
    tenants: tenantsSetting(env.NODE_ENV),
    // The raw archive carries the whole body: it must fit in one Kafka record, with room for the delivery's headers.
    bodyLimitBytes: integer('WEBHOOK_BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024, max: maxRecordBytes - 256 * 1024 }),
    // Past it the gateway refuses new webhooks with 503 (WebhookAdmission): about a second of webhooks at 500/s.
    maxInFlight: integer('GATEWAY_MAX_IN_FLIGHT', 500, { min: 1 }),
    // Our own proxies (CIDRs): X-Forwarded-For is believed only hop by hop through them.
    trustedProxies: setting('GATEWAY_TRUSTED_PROXIES', (raw) => (raw ? parseCidrList(raw) : [])),
    shopifyAllowlist: setting('SHOPIFY_ALLOWED_IPS', (raw) => (raw ? parseCidrList(raw) : [])),
    clerkAllowlist: setting('CLERK_ALLOWED_IPS', (raw) => (raw ? parseCidrList(raw) : [])),
    shopifyMaxAgeMs: setting('SHOPIFY_MAX_DELIVERY_AGE', (raw) => (raw ? durationMs('SHOPIFY_MAX_DELIVERY_AGE', raw).parse(raw) : undefined)),
    svixToleranceSeconds: integer('SVIX_TOLERANCE_SECONDS', 300, { min: 1, max: 3600 }),
    dedupeWindowMs: durationMs('DEDUPE_WINDOW', '48h'),
    publishTimeoutMs: durationMs('GATEWAY_PUBLISH_TIMEOUT', '2s'),
    // Concurrent webhooks share their claim and their produce request (decision 0009).
    claimLingerMs: durationMs('GATEWAY_CLAIM_LINGER', '2ms'),
    adminApiKeyHashes: adminApiKeyHashesSetting(env.NODE_ENV),
  };
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewaySettings(env), env);
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
