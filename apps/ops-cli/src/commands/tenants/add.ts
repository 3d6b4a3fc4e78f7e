import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addTenant } from '@consign/operations';
import { Command, required, UsageError } from '../../command';
import { json } from '../../render';
import { renderTenants, tenantCommandDependencies, tenantsTopicOption } from './tenant-store-access';

export const tenantsAdd: Command = {
  path: ['tenants', 'add'],
  summary: 'add a store to the tenant store; every app knows it within seconds, without a restart',
  usage: 'tenants add --file <tenant.json>',
  details: `The file holds one tenant as TENANTS lists one: id, shopDomain, shopifyWebhookSecrets,
clerkInstanceIds, clerkSigningSecrets, currency, defaultCommissionRateBasisPoints,
consignorTagPrefix. Its secrets are sealed with the current TENANT_SECRETS_KEYS key before they
leave this machine. Refused when the id, the shop or a Clerk instance is another stored tenant's.`,
  options: {
    file: { type: 'string', value: '<tenant.json>', description: 'the tenant, as TENANTS lists one', required: true },
    ...tenantsTopicOption,
  },
  async run({ values, json: asJson, context, io }) {
    const file = required(values, 'file');
    let document: unknown;
    try {
      document = JSON.parse(await readFile(resolve(io.env.INIT_CWD ?? process.cwd(), file), 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
    }
    const { tenant } = await addTenant(await tenantCommandDependencies(values, context, io), document);
    if (asJson) return (io.out(json({ tenant })), 0);
    io.out(renderTenants([tenant]));
    io.out(`Added ${tenant.id}: the apps pick it up without a restart.\n`);
    return 0;
  },
};
