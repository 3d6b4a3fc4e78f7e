import { ConfigOf, list, loadConfig, text, url } from '@consign/config';
import { platformDefaults } from '@consign/config';
import { developmentAdminKey } from '@consign/service-runtime';

/** The platform's HTTP parts the operator tools call, with their local ports. */
export const platformServices = {
  gateway: { port: 3000, variable: 'OPS_GATEWAY_URL' },
  'inventory-service': { port: 3001, variable: 'OPS_INVENTORY_URL' },
  'earnings-service': { port: 3002, variable: 'OPS_EARNINGS_URL' },
  'consignor-service': { port: 3003, variable: 'OPS_CONSIGNOR_URL' },
  'notification-service': { port: 3004, variable: 'OPS_NOTIFICATION_URL' },
  reconciler: { port: 3005, variable: 'OPS_RECONCILER_URL' },
} as const;

export type PlatformService = keyof typeof platformServices;

export function isPlatformService(name: string): name is PlatformService {
  return Object.hasOwn(platformServices, name);
}

export interface OperationsSettings {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** The audit log's database (the reconciler's). */
  databaseUrl: string;
  serviceUrls: Record<PlatformService, string>;
  /** Presented to admin endpoints; unset in production unless given. */
  apiKey: string | undefined;
}

/** Apart from loading, so that operations-settings-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function operationsSettingSpec(env: NodeJS.ProcessEnv) {
  const serviceSpecs = Object.fromEntries(
    Object.entries(platformServices).map(([service, { port, variable }]) => [service, url(variable, `http://127.0.0.1:${port}`, ['http', 'https'])]),
  ) as { [S in PlatformService]: ReturnType<typeof url> };
  const production = env.NODE_ENV === 'production';
  return {
    kafkaBrokers: list('KAFKA_BROKERS', [...platformDefaults.kafkaBrokers]),
    schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl, ['http', 'https']),
    databaseUrl: url('OPERATIONS_DATABASE_URL', env.RECONCILER_DATABASE_URL ?? `${platformDefaults.postgresServer}/consign_reconciler`, ['postgres', 'postgresql']),
    apiKey: production ? optionalText('OPS_API_KEY') : text('OPS_API_KEY', developmentAdminKey),
    ...serviceSpecs,
  };
}

function optionalText(variable: string) {
  return { variable, parse: (raw: string | undefined) => raw };
}

/** Every endpoint from the environment, each with the local platform's default. */
export function operationsSettings(env: NodeJS.ProcessEnv = process.env): OperationsSettings {
  const config: ConfigOf<ReturnType<typeof operationsSettingSpec>> = loadConfig(operationsSettingSpec(env), env);
  const serviceUrls = Object.fromEntries(Object.keys(platformServices).map((service) => [service, config[service as PlatformService]])) as Record<PlatformService, string>;
  return { kafkaBrokers: config.kafkaBrokers, schemaRegistryUrl: config.schemaRegistryUrl, databaseUrl: config.databaseUrl, apiKey: config.apiKey, serviceUrls };
}
