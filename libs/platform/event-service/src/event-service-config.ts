import {
  ConsumingServiceName,
  databaseTlsSettings,
  databaseUrlSetting,
  host,
  platformConnectionSettings,
  port,
  serviceCatalogue,
  text,
} from '@consign/config';
import { apiKeysSetting } from '@consign/service-runtime';

/**
 * The settings of an event-consuming service, named after it: `INVENTORY_PORT`, `INVENTORY_HOST`,
 * `INVENTORY_DATABASE_URL`, `INVENTORY_DATABASE_TLS*`, `INVENTORY_CONSUMER_GROUP` (their defaults in
 * the service catalogue, which `npm run provision` reads too), plus the shared Kafka and registry
 * settings and API_KEYS (who may read, administer and scrape). Pass the result to loadConfig
 * together with the service's own settings.
 */
export function eventServiceSettings(service: ConsumingServiceName, env: NodeJS.ProcessEnv) {
  const { prefix, port: defaultPort, database, consumerGroup } = serviceCatalogue[service];
  return {
    port: port(`${prefix}_PORT`, defaultPort),
    // Its read API holds personal data: reachable from this host only unless an operator opens it.
    host: host(`${prefix}_HOST`, '127.0.0.1'),
    ...platformConnectionSettings(env),
    databaseUrl: databaseUrlSetting(`${prefix}_DATABASE_URL`, database, env),
    ...databaseTlsSettings(`${prefix}_DATABASE`, env),
    consumerGroup: text(`${prefix}_CONSUMER_GROUP`, consumerGroup),
    apiKeys: apiKeysSetting(env),
  };
}
