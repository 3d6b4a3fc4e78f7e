import { DataSource } from 'typeorm';
import { TenantConfigured } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import {
  parseTenant,
  readTenantStore,
  removeTenant,
  publicTestSecretField,
  SecretKind,
  secretFingerprint,
  secretsOf,
  Tenant,
  tenantOfRecord,
  TenantSecretsKeys,
  TenantStore,
  withPreviousSecretsRetired,
  withRotatedSecret,
  writeTenant,
} from '@consign/tenants';
import { audited, recordOperatorAction } from '../audit/operator-actions';

export interface TenantCommandDependencies {
  store: TenantStore;
  database: DataSource;
  actor: string;
  /** TENANT_SECRETS_KEYS: seals what is written, opens what is listed. */
  keys: TenantSecretsKeys;
  /** Development accepts the public test secrets (the fixtures'); nothing else does. */
  development: boolean;
}

/** A tenant as `tenants list` shows it: every setting, and of each secret only its fingerprint. */
export interface ListedTenant extends Record<string, unknown> {
  id: string;
  shopDomain: string;
  clerkInstanceIds: string[];
  currency: string;
  defaultCommissionRateBasisPoints: number;
  consignorTagPrefix: string;
  /** Current first, then those still accepted until the previous ones are retired. */
  shopifySecretFingerprints: string[];
  clerkSecretFingerprints: string[];
  secretsKeyId: string;
  changedAt: string;
}

function listed(record: TenantConfigured, tenant: Tenant): ListedTenant {
  return {
    id: tenant.id,
    shopDomain: tenant.shopDomain,
    clerkInstanceIds: [...tenant.clerkInstanceIds],
    currency: tenant.currency,
    defaultCommissionRateBasisPoints: tenant.defaultCommissionRateBasisPoints,
    consignorTagPrefix: tenant.consignorTagPrefix,
    shopifySecretFingerprints: tenant.shopifyWebhookSecrets.map(secretFingerprint),
    clerkSecretFingerprints: tenant.clerkSigningSecrets.map(secretFingerprint),
    secretsKeyId: record.secrets.keyId,
    changedAt: new Date(record.metadata.occurredAt).toISOString(),
  };
}

async function storedTenants(deps: TenantCommandDependencies): Promise<Map<string, { record: TenantConfigured; tenant: Tenant }>> {
  const records = await readTenantStore(deps.store);
  return new Map([...records].map(([id, record]) => [id, { record, tenant: tenantOfRecord(record, deps.keys) }]));
}

/** Every tenant in the store, sorted by id. */
export async function listTenants(deps: TenantCommandDependencies): Promise<{ tenants: ListedTenant[] }> {
  return audited(deps.database, { actor: deps.actor, action: 'tenants.list', parameters: {} }, async () => {
    const stored = await storedTenants(deps);
    return { tenants: [...stored.values()].map(({ record, tenant }) => listed(record, tenant)).sort((a, b) => a.id.localeCompare(b.id)) };
  });
}

/** The audit log's view of a tenant: its settings and fingerprints, never a secret. */
function auditedTenant(tenant: Tenant): Record<string, unknown> {
  const { shopifyWebhookSecrets, clerkSigningSecrets, ...settings } = tenant;
  return {
    ...settings,
    shopifySecretFingerprints: shopifyWebhookSecrets.map(secretFingerprint),
    clerkSecretFingerprints: clerkSigningSecrets.map(secretFingerprint),
  };
}

/**
 * Adds a store: `document` is a tenant as TENANTS lists one. Refused when the id is in the store
 * already (rotate-secret changes secrets) or its shop domain or a Clerk instance is another tenant's.
 */
export async function addTenant(deps: TenantCommandDependencies, document: unknown): Promise<{ tenant: ListedTenant }> {
  let tenant: Tenant;
  try {
    tenant = parseTenant(document);
  } catch (error) {
    throw new PlatformError((error as Error).message, { code: 'tenant.invalid', category: 'invalid' });
  }
  const publicSecret = deps.development ? undefined : publicTestSecretField(tenant);
  if (publicSecret)
    throw new PlatformError(`tenant ${tenant.id}: ${publicSecret} holds a public test secret, which only development accepts`, {
      code: 'tenant.invalid',
      category: 'invalid',
    });
  return audited(deps.database, { actor: deps.actor, action: 'tenants.add', parameters: auditedTenant(tenant) }, async () => {
    const stored = await storedTenants(deps);
    if (stored.has(tenant.id))
      throw new PlatformError(`tenant ${tenant.id} is in the tenant store already`, { code: 'tenant.exists', category: 'invalid' });
    for (const { tenant: other } of stored.values()) {
      const sharedInstance = other.clerkInstanceIds.find((instanceId) => tenant.clerkInstanceIds.includes(instanceId));
      if (other.shopDomain === tenant.shopDomain || sharedInstance) {
        throw new PlatformError(
          `tenant ${other.id} has ${sharedInstance ? `Clerk instance ${sharedInstance}` : `shop ${tenant.shopDomain}`} already`,
          { code: 'tenant.exists', category: 'invalid' },
        );
      }
    }
    const record = await writeTenant(deps.store, tenant, deps.keys, `tenants.add:${tenant.id}`);
    return { tenant: listed(record, tenant) };
  });
}

export type SecretRotation = { kind: SecretKind; newSecret: string } | { kind: SecretKind; retirePrevious: true };

/**
 * Either adds a new current secret (every previous one stays accepted), or, once every sender signs
 * with the current one, retires the previous ones. A retirement asks `confirm` first, when given.
 */
export async function rotateTenantSecret(
  deps: TenantCommandDependencies & { confirm?: (question: string) => Promise<boolean> },
  tenantId: string,
  rotation: SecretRotation,
): Promise<{ tenant: ListedTenant; retired: string[] }> {
  const retiring = 'retirePrevious' in rotation;
  const action = {
    actor: deps.actor,
    action: 'tenants.rotate-secret',
    parameters: {
      tenantId,
      kind: rotation.kind,
      ...(retiring ? { retirePrevious: true } : { newSecretFingerprint: secretFingerprint(rotation.newSecret) }),
    },
  };
  const { tenant: current } = await requireStored(deps, action, tenantId);
  if (retiring) {
    const previous = secretsOf(current, rotation.kind).slice(1);
    if (
      previous.length > 0 &&
      deps.confirm &&
      !(await deps.confirm(
        `Retire ${previous.length} previous ${rotation.kind} secret(s) of ${tenantId} (${previous.map(secretFingerprint).join(', ')})? Webhooks signed with them will be refused.`,
      ))
    ) {
      await recordOperatorAction(deps.database, {
        ...action,
        outcome: 'refused',
        error: 'not confirmed by the operator',
        startedAt: new Date(),
      });
      throw new PlatformError('refused: not confirmed by the operator', { code: 'operations.refused', category: 'invalid' });
    }
  }
  return audited(deps.database, action, async () => {
    let changed: Tenant;
    try {
      changed = retiring
        ? withPreviousSecretsRetired(current, rotation.kind)
        : parseTenant(withRotatedSecret(current, rotation.kind, rotation.newSecret), `tenant ${tenantId}`);
    } catch (error) {
      throw new PlatformError((error as Error).message, { code: 'tenant.invalid', category: 'invalid' });
    }
    const publicSecret = deps.development ? undefined : publicTestSecretField(changed);
    if (publicSecret)
      throw new PlatformError(`tenant ${tenantId}: ${publicSecret} holds a public test secret, which only development accepts`, {
        code: 'tenant.invalid',
        category: 'invalid',
      });
    const record = await writeTenant(deps.store, changed, deps.keys, `tenants.rotate-secret:${tenantId}`);
    const retired = secretsOf(current, rotation.kind)
      .filter((secret) => !secretsOf(changed, rotation.kind).includes(secret))
      .map(secretFingerprint);
    return { tenant: listed(record, changed), retired };
  });
}

/** Removes a store from the tenant store (a tombstone): every app then refuses and skips its events. Asks `confirm` first, when given. */
export async function removeTenantFromStore(
  deps: TenantCommandDependencies & { confirm?: (question: string) => Promise<boolean> },
  tenantId: string,
): Promise<{ removed: ListedTenant }> {
  const action = { actor: deps.actor, action: 'tenants.remove', parameters: { tenantId } };
  const { record, tenant } = await requireStored(deps, action, tenantId);
  if (
    deps.confirm &&
    !(await deps.confirm(`Remove tenant ${tenantId} (${tenant.shopDomain})? Its webhooks will be refused from then on.`))
  ) {
    await recordOperatorAction(deps.database, {
      ...action,
      outcome: 'refused',
      error: 'not confirmed by the operator',
      startedAt: new Date(),
    });
    throw new PlatformError('refused: not confirmed by the operator', { code: 'operations.refused', category: 'invalid' });
  }
  return audited(deps.database, action, async () => {
    await removeTenant(deps.store, tenantId);
    return { removed: listed(record, tenant) };
  });
}

/** The stored tenant a change starts from; a failure to find it is audited as the change's. */
async function requireStored(
  deps: TenantCommandDependencies,
  action: { actor: string; action: string; parameters: Record<string, unknown> },
  tenantId: string,
): Promise<{ record: TenantConfigured; tenant: Tenant }> {
  const startedAt = new Date();
  try {
    const found = (await storedTenants(deps)).get(tenantId);
    if (!found)
      throw new PlatformError(`tenant ${tenantId} is not in the tenant store (a tenant only in TENANTS is changed there)`, {
        code: 'tenant.not_in_store',
        category: 'invalid',
        httpStatus: 404,
      });
    return found;
  } catch (error) {
    await recordOperatorAction(deps.database, { ...action, outcome: 'failed', error: (error as Error).message, startedAt });
    throw error;
  }
}
