import { databaseUrlDefault, list, platformDefaults, port, text, url } from '@consign/config';
import { adminApiKeyHashesSetting } from '@consign/service-runtime';

/**
 * The settings of an event-consuming service, named after it: `INVENTORY_PORT`,
 * `INVENTORY_DATABASE_URL`, `INVENTORY_CONSUMER_GROUP`, plus the shared KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL and ADMIN_API_KEY_HASHES (the operators' keys). Pass the result to loadConfig together with the service's own settings.
 */
export function eventServiceSettings(prefix: string, defaults: { port: number; database: string; consumerGroup: string }, nodeEnv = process.env.NODE_ENV) {
  return {
    port: port(`${prefix}_PORT`, defaults.port),
    kafkaBrokers: list('KAFKA_BROKERS', [...platformDefaults.kafkaBrokers]),
    schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl, ['http', 'https']),
    databaseUrl: url(`${prefix}_DATABASE_URL`, databaseUrlDefault(defaults.database), ['postgres', 'postgresql']),
    consumerGroup: text(`${prefix}_CONSUMER_GROUP`, defaults.consumerGroup),
    adminApiKeyHashes: adminApiKeyHashesSetting(nodeEnv),
  };
}
