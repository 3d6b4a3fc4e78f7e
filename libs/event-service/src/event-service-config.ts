import { consumerGroupDefaults, databaseTlsSettings, databaseUrlSetting, host, platformConnectionSettings, port, text } from '@consign/config';
import { apiKeysSetting } from '@consign/service-runtime';

/**
 * The settings of an event-consuming service, named after it: `INVENTORY_PORT`, `INVENTORY_HOST`,
 * `INVENTORY_DATABASE_URL`, `INVENTORY_DATABASE_TLS*`, `INVENTORY_CONSUMER_GROUP` (its default in
 * consumerGroupDefaults, which `npm run provision` reads too), plus the shared Kafka and registry
 * settings and API_KEYS (who may read, administer and scrape). Pass the result to loadConfig
 * together with the service's own settings.
 */
export function eventServiceSettings(prefix: 'INVENTORY' | 'EARNINGS' | 'CONSIGNOR' | 'NOTIFICATION', defaults: { port: number; database: string }, env: NodeJS.ProcessEnv) {
  return {
    port: port(`${prefix}_PORT`, defaults.port),
    // Its read API holds personal data: reachable from this host only unless an operator opens it.
    host: host(`${prefix}_HOST`, '127.0.0.1'),
    ...platformConnectionSettings(env),
    databaseUrl: databaseUrlSetting(`${prefix}_DATABASE_URL`, defaults.database, env),
    ...databaseTlsSettings(`${prefix}_DATABASE`, env),
    consumerGroup: text(`${prefix}_CONSUMER_GROUP`, consumerGroupDefaults[`${prefix}_CONSUMER_GROUP`]),
    apiKeys: apiKeysSetting(env),
  };
}
