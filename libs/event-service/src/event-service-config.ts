import { databaseTlsSettings, databaseUrlSetting, host, platformConnectionSettings, port, text } from '@consign/config';
import { apiKeysSetting } from '@consign/service-runtime';

/**
 * The settings of an event-consuming service, named after it: `INVENTORY_PORT`, `INVENTORY_HOST`,
 * `INVENTORY_DATABASE_URL`, `INVENTORY_DATABASE_TLS*`, `INVENTORY_CONSUMER_GROUP`, plus the shared KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL and API_KEYS (who may read, administer and scrape). Pass the result to
 * loadConfig together with the service's own settings.
 */
export function eventServiceSettings(prefix: string, defaults: { port: number; database: string; consumerGroup: string }, env: NodeJS.ProcessEnv) {
  return {
    port: port(`${prefix}_PORT`, defaults.port),
    // Its read API holds personal data: reachable from this host only unless an operator opens it.
    host: host(`${prefix}_HOST`, '127.0.0.1'),
    ...platformConnectionSettings(env),
    databaseUrl: databaseUrlSetting(`${prefix}_DATABASE_URL`, defaults.database, env),
    ...databaseTlsSettings(`${prefix}_DATABASE`, env),
    consumerGroup: text(`${prefix}_CONSUMER_GROUP`, defaults.consumerGroup),
    apiKeys: apiKeysSetting(env),
  };
}
