import { integer, list, loadConfig, platformDefaults, port, url } from '@consign/config';
import { tenantsSetting } from '@consign/tenants';

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      port: port('GATEWAY_PORT', 3000),
      kafkaBrokers: list('KAFKA_BROKERS', [...platformDefaults.kafkaBrokers]),
      schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl, ['http', 'https']),
      tenants: tenantsSetting(env.NODE_ENV),
      bodyLimitBytes: integer('WEBHOOK_BODY_LIMIT_BYTES', 1024 * 1024, { min: 1024, max: 20 * 1024 * 1024 }),
    },
    env,
  );
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
