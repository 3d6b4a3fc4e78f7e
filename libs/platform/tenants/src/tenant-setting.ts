import { isDevelopment, json, Setting } from '@consign/config';
import { developmentTenants } from './development-tenants';
import { parseTenants, Tenant, TenantDirectory } from './tenant';

/**
 * The TENANTS environment variable (a JSON array): the tenants a process knows before it has read the
 * tenant store, which overrides them by id (decision 0018). In development it defaults to the
 * development tenant; anywhere else it must be set (`[]` when the tenant store holds every tenant),
 * and the public test secrets are refused.
 */
export function tenantsSetting(env: NodeJS.ProcessEnv): Setting<TenantDirectory> {
  const development = isDevelopment(env);
  const fallback = development ? (): Tenant[] => [...developmentTenants] : undefined;
  const setting = json('TENANTS', (value) => refusingPublicSecrets(parseTenants(value), development), fallback);
  return { variable: setting.variable, parse: (raw) => new TenantDirectory(setting.parse(raw)) };
}

/**
 * Secrets published with test vectors (Shopify's and Svix's documentation, the committed fixtures):
 * anyone can sign with them, so only development accepts them.
 */
const publicTestSecrets = new Set([
  ...developmentTenants.flatMap((tenant) => [...tenant.shopifyWebhookSecrets, ...tenant.clerkSigningSecrets]),
  // Svix's second documented vector (libs/services/webhook-gateway/src/svix/svix-signature.spec.ts).
  'whsec_plJ3nmyCDGBKInavdOK15jsl',
]);

function refusingPublicSecrets(tenants: Tenant[], development: boolean): Tenant[] {
  if (development) return tenants;
  tenants.forEach((tenant, index) => {
    const field = publicTestSecretField(tenant);
    if (field) throw new Error(`tenant #${index} (${tenant.id}): ${field} holds a public test secret, which only development accepts`);
  });
  return tenants;
}

/** The secret list of a tenant that holds a public test secret, if any: what only development may use. */
export function publicTestSecretField(tenant: Tenant): 'shopifyWebhookSecrets' | 'clerkSigningSecrets' | undefined {
  // A Svix secret is the same with or without its whsec_ prefix.
  return (['shopifyWebhookSecrets', 'clerkSigningSecrets'] as const).find((field) =>
    tenant[field].some((secret) => publicTestSecrets.has(secret) || publicTestSecrets.has(`whsec_${secret}`)),
  );
}
