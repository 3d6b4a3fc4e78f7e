import { databaseUrlDefault, list, loadConfig, platformDefaults, port, text, url } from '@consign/config';

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      port: port('INVENTORY_PORT', 3001),
      kafkaBrokers: list('KAFKA_BROKERS', [...platformDefaults.kafkaBrokers]),
      schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl, ['http', 'https']),
      databaseUrl: url('INVENTORY_DATABASE_URL', databaseUrlDefault('inventory'), ['postgres', 'postgresql']),
      consumerGroup: text('INVENTORY_CONSUMER_GROUP', 'inventory-service'),
    },
    env,
  );
}
