import {
  ConfigOf,
  localAppUrl,
  DatabaseTls,
  databaseTls,
  databaseTlsSettings,
  developmentDefault,
  isDevelopment,
  KafkaConnection,
  kafkaConnection,
  kafkaConnectionSettings,
  loadConfig,
  postgresUrl,
  RegistryConnection,
  registryConnection,
  registryConnectionSettings,
  text,
  url,
} from '@consign/config';
import { platformDefaults } from '@consign/config';
import { developmentAdminKey } from '@consign/service-runtime';

/** The platform's HTTP parts the operator tools call, with their local ports. */
export const platformServices = {
  // The gateway's internal listener: its admin API.
  gateway: { localUrl: localAppUrl('gateway', 'internal'), variable: 'OPS_GATEWAY_URL' },
  'inventory-service': { localUrl: localAppUrl('inventory-service'), variable: 'OPS_INVENTORY_URL' },
  'earnings-service': { localUrl: localAppUrl('earnings-service'), variable: 'OPS_EARNINGS_URL' },
  'consignor-service': { localUrl: localAppUrl('consignor-service'), variable: 'OPS_CONSIGNOR_URL' },
  'notification-service': { localUrl: localAppUrl('notification-service'), variable: 'OPS_NOTIFICATION_URL' },
  reconciler: { localUrl: localAppUrl('reconciler'), variable: 'OPS_RECONCILER_URL' },
} as const;

export type PlatformService = keyof typeof platformServices;

export function isPlatformService(name: string): name is PlatformService {
  return Object.hasOwn(platformServices, name);
}

export interface OperationsSettings {
  kafka: KafkaConnection;
  registry: RegistryConnection;
  /** The audit log's database (the reconciler's). */
  databaseUrl: string;
  databaseTls: DatabaseTls;
  serviceUrls: Record<PlatformService, string>;
  /** The gateway's public listener, where `webhooks send-test` posts. */
  webhookUrl: string;
  /** Presented to the read and admin endpoints; the development key in development, else unset unless given. */
  apiKey: string | undefined;
}

/** Apart from loading, so that operations-settings-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function operationsSettingSpec(env: NodeJS.ProcessEnv) {
  const serviceSpecs = Object.fromEntries(
    Object.entries(platformServices).map(([service, { localUrl, variable }]) => [service, url(variable, localUrl, ['http', 'https'])]),
  ) as { [S in PlatformService]: ReturnType<typeof url> };
  return {
    ...kafkaConnectionSettings(env, [...platformDefaults.kafkaBrokers]),
    // A registry is named outside development: a CLI run against production must not quietly read schemas elsewhere.
    ...registryConnectionSettings(env, developmentDefault(env, platformDefaults.schemaRegistryUrl)),
    databaseUrl: postgresUrl(
      'OPERATIONS_DATABASE_URL',
      env.RECONCILER_DATABASE_URL ?? `${platformDefaults.postgresServer}/consign_reconciler`,
    ),
    // Like the URL, each unset one takes the reconciler's: the CLI reaches that database as the reconciler does.
    ...databaseTlsSettings('OPERATIONS_DATABASE', env, 'RECONCILER_DATABASE'),
    apiKey: isDevelopment(env) ? text('OPS_API_KEY', developmentAdminKey) : optionalText('OPS_API_KEY'),
    webhookUrl: url('OPS_WEBHOOK_URL', localAppUrl('gateway'), ['http', 'https']),
    ...serviceSpecs,
  };
}

function optionalText(variable: string) {
  return { variable, parse: (raw: string | undefined) => raw };
}

/** Every endpoint from the environment, each with the local platform's default. */
export function operationsSettings(env: NodeJS.ProcessEnv = process.env): OperationsSettings {
  const config: ConfigOf<ReturnType<typeof operationsSettingSpec>> = loadConfig(operationsSettingSpec(env), env);
  const serviceUrls = Object.fromEntries(
    Object.keys(platformServices).map((service) => [service, config[service as PlatformService]]),
  ) as Record<PlatformService, string>;
  return {
    kafka: kafkaConnection(config),
    registry: registryConnection(config),
    databaseUrl: config.databaseUrl,
    databaseTls: databaseTls(config),
    apiKey: config.apiKey,
    serviceUrls,
    webhookUrl: config.webhookUrl,
  };
}
