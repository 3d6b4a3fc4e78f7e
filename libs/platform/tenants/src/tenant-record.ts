import { events, TenantConfigured } from '@consign/contracts';
import { Tenant } from './tenant';
import { openTenantSecrets, sealTenantSecrets, TenantSecretsKeys } from './tenant-secrets';

/** Which sender's webhook secrets: Shopify's HMAC secret, or the Clerk instance's Svix signing secret. */
export type SecretKind = 'shopify' | 'clerk';

const field = { shopify: 'shopifyWebhookSecrets', clerk: 'clerkSigningSecrets' } as const;

export function secretsOf(tenant: Tenant, kind: SecretKind): readonly string[] {
  return tenant[field[kind]];
}

/**
 * A new current secret; every secret listed before stays accepted until the previous ones are
 * retired, so senders can move over without a refused delivery.
 */
export function withRotatedSecret(tenant: Tenant, kind: SecretKind, secret: string): Tenant {
  const current = secretsOf(tenant, kind);
  if (current.includes(secret)) throw new Error(`tenant ${tenant.id}: that ${kind} secret is already listed; a rotation needs a new one`);
  return { ...tenant, [field[kind]]: [secret, ...current] };
}

/** Keeps only the current secret: once every sender signs with it. */
export function withPreviousSecretsRetired(tenant: Tenant, kind: SecretKind): Tenant {
  const current = secretsOf(tenant, kind);
  if (current.length === 0) throw new Error(`tenant ${tenant.id} has no ${kind} secret`);
  return { ...tenant, [field[kind]]: current.slice(0, 1) };
}

/** The tenant store's record of a tenant, its secrets sealed under the current key. */
export function tenantRecord(
  tenant: Tenant,
  keys: TenantSecretsKeys,
  about: { eventId: string; at: Date; correlationId: string },
): TenantConfigured {
  return {
    metadata: {
      eventId: about.eventId,
      eventType: events.tenantConfigured.type,
      schemaVersion: events.tenantConfigured.schemaVersion,
      occurredAt: about.at.getTime(),
      receivedAt: about.at.getTime(),
      source: 'operator',
      tenantId: tenant.id,
      shopifyWebhookId: null,
      shopifyEventId: null,
      svixMessageId: null,
      correlationId: about.correlationId,
      causationId: null,
    },
    tenantId: tenant.id,
    shopDomain: tenant.shopDomain,
    clerkInstanceIds: [...tenant.clerkInstanceIds],
    currency: tenant.currency,
    defaultCommissionRateBasisPoints: tenant.defaultCommissionRateBasisPoints,
    consignorTagPrefix: tenant.consignorTagPrefix,
    secrets: sealTenantSecrets(keys, tenant.id, tenant),
  };
}

/**
 * The tenant a record holds. Without keys (every app but the gateway) its secrets stay sealed and
 * the tenant lists none: such an app never verifies a signature.
 */
export function tenantOfRecord(record: TenantConfigured, keys: TenantSecretsKeys | undefined): Tenant {
  const secrets = keys ? openTenantSecrets(keys, record.tenantId, record.secrets) : { shopifyWebhookSecrets: [], clerkSigningSecrets: [] };
  return {
    id: record.tenantId,
    shopDomain: record.shopDomain,
    shopifyWebhookSecrets: secrets.shopifyWebhookSecrets,
    clerkInstanceIds: record.clerkInstanceIds,
    clerkSigningSecrets: secrets.clerkSigningSecrets,
    currency: record.currency,
    defaultCommissionRateBasisPoints: record.defaultCommissionRateBasisPoints,
    consignorTagPrefix: record.consignorTagPrefix,
  };
}
