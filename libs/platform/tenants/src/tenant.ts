import { PlatformError } from '@consign/errors';

/** One client store: its Shopify shop and Clerk instance, each with the secrets that sign its webhooks. */
export interface Tenant {
  readonly id: string;
  readonly shopDomain: string;
  /** Current first; during a rotation the previous secret is still listed and still accepted. */
  readonly shopifyWebhookSecrets: readonly string[];
  /** Clerk instances whose users belong to this store (development and production instances differ). */
  readonly clerkInstanceIds: readonly string[];
  readonly clerkSigningSecrets: readonly string[];
  readonly currency: string;
  /** The store's commission on a consignor's sale unless the consignor has their own, in basis points (4000 = the store keeps 40 %). */
  readonly defaultCommissionRateBasisPoints: number;
  /** Product tags starting with this name the item's consignor: `consignor:<consignor id>`. */
  readonly consignorTagPrefix: string;
}

interface TenantIndex {
  readonly tenants: readonly Tenant[];
  readonly byId: ReadonlyMap<string, Tenant>;
  readonly byShop: ReadonlyMap<string, Tenant>;
  readonly byClerkInstance: ReadonlyMap<string, Tenant>;
}

/**
 * The stores a process knows, answered from memory. Two layers: the seed (TENANTS, fixed for the
 * process's life) and the tenant store (`tenants.v1`, changing at run time, decision 0018). A stored
 * tenant overrides the seeded one with its id; removing it from the store shows the seeded one again.
 * Lookups read one index that every change replaces whole, so a lookup never sees half a change.
 */
export class TenantDirectory {
  private readonly seeded: ReadonlyMap<string, Tenant>;
  private readonly stored = new Map<string, Tenant>();
  private index: TenantIndex;

  constructor(seed: readonly Tenant[]) {
    this.seeded = new Map(seed.map((tenant) => [tenant.id, tenant]));
    this.index = buildIndex([...this.seeded.values()]);
  }

  get tenants(): readonly Tenant[] {
    return this.index.tenants;
  }

  byShopDomain(shopDomain: string): Tenant | undefined {
    return this.index.byShop.get(shopDomain.trim().toLowerCase());
  }

  byClerkInstanceId(instanceId: string): Tenant | undefined {
    return this.index.byClerkInstance.get(instanceId);
  }

  byId(tenantId: string): Tenant | undefined {
    return this.index.byId.get(tenantId);
  }

  /** The tenant an event belongs to; an event of a tenant this service does not know can never be processed here. */
  requireById(tenantId: string): Tenant {
    const tenant = this.byId(tenantId);
    if (!tenant)
      throw new PlatformError(`tenant ${tenantId} is not configured in this service (TENANTS or the tenant store)`, {
        code: 'tenant.unknown',
        category: 'invalid',
        httpStatus: 404,
      });
    return tenant;
  }

  /** A change read from the tenant store: the tenant as stored now, or undefined once it is removed there. */
  applyStored(tenantId: string, tenant: Tenant | undefined): void {
    if (tenant === undefined) this.stored.delete(tenantId);
    else this.stored.set(tenantId, tenant);
    const merged = new Map(this.seeded);
    for (const [id, entry] of this.stored) merged.set(id, entry);
    this.index = buildIndex([...merged.values()]);
  }
}

/** Stored tenants come after seeded ones, so a shop domain or Clerk instance claimed by both resolves to the stored tenant. */
function buildIndex(tenants: readonly Tenant[]): TenantIndex {
  const byShop = new Map<string, Tenant>();
  const byClerkInstance = new Map<string, Tenant>();
  for (const tenant of tenants) {
    byShop.set(tenant.shopDomain.toLowerCase(), tenant);
    for (const instanceId of tenant.clerkInstanceIds) byClerkInstance.set(instanceId, tenant);
  }
  return { tenants, byId: new Map(tenants.map((tenant) => [tenant.id, tenant])), byShop, byClerkInstance };
}

/**
 * Validates the TENANTS setting: a JSON array of tenants, empty when every tenant comes from the
 * tenant store. Throws a readable reason naming the entry.
 */
export function parseTenants(value: unknown): Tenant[] {
  if (!Array.isArray(value)) throw new Error('must be a JSON array of tenants (empty when the tenant store holds them all)');
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const tenant = parseTenant(entry, `tenant #${index}`);
    if (seen.has(tenant.shopDomain)) throw new Error(`tenant #${index} (${tenant.id}): shopDomain ${tenant.shopDomain} is listed twice`);
    seen.add(tenant.shopDomain);
    return tenant;
  });
}

/** Validates one tenant (a TENANTS entry, or what an operator adds to the tenant store); `where` starts each reason. */
export function parseTenant(entry: unknown, where = 'tenant'): Tenant {
  if (typeof entry !== 'object' || entry === null) throw new Error(`${where} must be an object`);
  const record = entry as Record<string, unknown>;
  const id = requireString(record, 'id', where);
  const shopDomain = requireString(record, 'shopDomain', `${where} (${id})`).toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shopDomain))
    throw new Error(`${where} (${id}): shopDomain must look like name.myshopify.com`);
  const clerkSigningSecrets = stringList(record, 'clerkSigningSecrets', `${where} (${id})`);
  for (const secret of clerkSigningSecrets) {
    if (!/^(whsec_)?[A-Za-z0-9+/=]+$/.test(secret)) throw new Error(`${where} (${id}): clerkSigningSecrets entries must be whsec_<base64>`);
  }
  const currency = typeof record.currency === 'string' ? record.currency : 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`${where} (${id}): currency must be an ISO 4217 code such as USD`);
  const defaultCommissionRateBasisPoints = record.defaultCommissionRateBasisPoints ?? 4000;
  if (
    !Number.isInteger(defaultCommissionRateBasisPoints) ||
    (defaultCommissionRateBasisPoints as number) < 0 ||
    (defaultCommissionRateBasisPoints as number) > 10_000
  ) {
    throw new Error(
      `${where} (${id}): defaultCommissionRateBasisPoints must be an integer from 0 to 10000 (basis points of the sale the store keeps)`,
    );
  }
  const consignorTagPrefix = record.consignorTagPrefix ?? 'consignor:';
  if (typeof consignorTagPrefix !== 'string' || consignorTagPrefix.trim() === '' || consignorTagPrefix.includes(',')) {
    throw new Error(`${where} (${id}): consignorTagPrefix must be a non-empty string without commas`);
  }
  return {
    id,
    shopDomain,
    shopifyWebhookSecrets: nonEmpty(
      stringList(record, 'shopifyWebhookSecrets', `${where} (${id})`),
      'shopifyWebhookSecrets',
      `${where} (${id})`,
    ),
    clerkInstanceIds: stringList(record, 'clerkInstanceIds', `${where} (${id})`),
    clerkSigningSecrets,
    currency,
    defaultCommissionRateBasisPoints: defaultCommissionRateBasisPoints as number,
    consignorTagPrefix,
  };
}

function requireString(record: Record<string, unknown>, field: string, where: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where}: ${field} must be a non-empty string`);
  return value.trim();
}

function stringList(record: Record<string, unknown>, field: string, where: string): string[] {
  const value = record[field] ?? [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new Error(`${where}: ${field} must be an array of non-empty strings`);
  }
  return value as string[];
}

function nonEmpty(values: string[], field: string, where: string): string[] {
  if (values.length === 0) throw new Error(`${where}: ${field} needs at least one secret`);
  return values;
}
