import { json, Setting } from '@consign/config';
import { developmentTenants } from './development-tenants';
import { parseTenants, Tenant, TenantDirectory } from './tenant';

/**
 * The TENANTS environment variable (a JSON array). Outside production it defaults to the
 * development tenant; in production it must be set.
 */
export function tenantsSetting(nodeEnv = process.env.NODE_ENV): Setting<TenantDirectory> {
  const fallback = nodeEnv === 'production' ? undefined : (): Tenant[] => [...developmentTenants];
  const setting = json('TENANTS', parseTenants, fallback);
  return { variable: setting.variable, parse: (raw) => new TenantDirectory(setting.parse(raw)) };
}
