import { isDevelopment, loadConfig } from '@consign/config';
import { topics } from '@consign/contracts';
import { ListedTenant, TenantCommandDependencies } from '@consign/operations';
import { tenantSecretsKeysSetting } from '@consign/tenants';
import { OptionSpec, text, Values } from '../../command';
import { CliIo, CommandContext } from '../../context';
import { table } from '../../render';

/** What the tenants commands share: the tenant store (`--tenants-topic` for tests), TENANT_SECRETS_KEYS, the audit log. */
export async function tenantCommandDependencies(values: Values, context: CommandContext, io: CliIo): Promise<TenantCommandDependencies> {
  const { keys } = loadConfig({ keys: tenantSecretsKeysSetting(io.env) }, io.env);
  const topicName = text(values, 'tenants-topic');
  return {
    store: {
      kafka: context.kafka,
      admin: await context.admin(),
      codec: context.codec,
      topic: topicName ? { ...topics.tenants, name: topicName } : undefined,
    },
    database: await context.database(),
    actor: context.actor,
    keys,
    development: isDevelopment(io.env),
  };
}

export function renderTenants(tenants: ListedTenant[]): string {
  return table(
    ['id', 'shop', 'clerk instances', 'currency', 'commission', 'tag prefix', 'shopify secrets', 'clerk secrets', 'key', 'changed'],
    tenants.map((tenant) => [
      tenant.id,
      tenant.shopDomain,
      tenant.clerkInstanceIds.join(' '),
      tenant.currency,
      `${tenant.defaultCommissionRateBasisPoints / 100} %`,
      tenant.consignorTagPrefix,
      tenant.shopifySecretFingerprints.join(' '),
      tenant.clerkSecretFingerprints.join(' '),
      tenant.secretsKeyId,
      tenant.changedAt,
    ]),
  );
}

export const tenantsTopicOption: OptionSpec = {
  'tenants-topic': {
    type: 'string',
    value: '<topic>',
    description: 'the tenant store, another topic for tests',
    default: topics.tenants.name,
  },
};
