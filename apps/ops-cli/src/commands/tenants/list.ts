import { listTenants } from '@consign/operations';
import { Command } from '../../command';
import { json } from '../../render';
import { renderTenants, tenantCommandDependencies, tenantsTopicOption } from './tenant-store-access';

export const tenantsList: Command = {
  path: ['tenants', 'list'],
  summary: 'the stores in the tenant store, with fingerprints of their secrets (never the secrets)',
  usage: 'tenants list',
  details: `Reads the tenant store (topic tenants.v1) and opens each store's secrets with
TENANT_SECRETS_KEYS to show a fingerprint of each (the first 12 hex digits of its SHA-256), current
first. Tenants only in an app's TENANTS are not listed: TENANTS is each app's own.`,
  options: tenantsTopicOption,
  async run({ values, json: asJson, context, io }) {
    const { tenants } = await listTenants(await tenantCommandDependencies(values, context, io));
    if (asJson) return (io.out(json({ tenants })), 0);
    io.out(renderTenants(tenants));
    io.out(`${tenants.length} tenant(s) in the tenant store\n`);
    return 0;
  },
};
