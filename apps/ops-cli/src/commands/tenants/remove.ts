import { removeTenantFromStore } from '@consign/operations';
import { Command, confirmation, yesOption } from '../../command';
import { json } from '../../render';
import { tenantCommandDependencies, tenantsTopicOption } from './tenant-store-access';

export const tenantsRemove: Command = {
  path: ['tenants', 'remove'],
  summary: 'remove a store from the tenant store: its webhooks are refused from then on',
  usage: 'tenants remove <tenant id> [--yes]',
  details: `Writes a tombstone: every app forgets the store within seconds, and compaction drops its
records. Asks first unless --yes. What the services hold of the store (items, ledgers) stays.`,
  operands: { name: '<tenant id>', description: 'the stored tenant' },
  options: { ...yesOption('remove'), ...tenantsTopicOption },
  async run(invocation) {
    const { values, positionals, json: asJson, context, io } = invocation;
    const confirm = confirmation(invocation);
    const { removed } = await removeTenantFromStore({ ...(await tenantCommandDependencies(values, context, io)), confirm }, positionals[0]);
    if (asJson) return (io.out(json({ removed })), 0);
    io.out(`Removed ${removed.id} (${removed.shopDomain}).\n`);
    return 0;
  },
};
