import { developmentDefault } from './deployment-mode';
import { kafkaConnectionSettings } from './kafka-settings';
import { Setting } from './load-config';
import { url } from './settings';
import { postgresUrl } from './tls-settings';

/**
 * Local development endpoints (started by `npm run infra:up`), the defaults in development only.
 * Every one is set by its environment variable, so the same code runs against managed Kafka, a
 * Confluent registry or a cloud PostgreSQL.
 */
export const platformDefaults = {
  kafkaBrokers: ['127.0.0.1:9092'],
  schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
  postgresServer: 'postgres://postgres@127.0.0.1:5432',
} as const;

/** Each service owns one database, `consign_<service>`, on the platform's PostgreSQL server. */
export function databaseUrlDefault(service: string): string {
  return `${platformDefaults.postgresServer}/consign_${service}`;
}

/**
 * The Kafka connection (kafkaConnectionSettings) and SCHEMA_REGISTRY_URL, shared by every app: the
 * local infrastructure in development, required anywhere else.
 */
export function platformConnectionSettings(env: NodeJS.ProcessEnv) {
  return {
    ...kafkaConnectionSettings(env),
    schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', developmentDefault(env, platformDefaults.schemaRegistryUrl), ['http', 'https']),
  };
}

/** `<APP>_DATABASE_URL`: the app's own database on the local server in development, required anywhere else. */
export function databaseUrlSetting(variable: string, service: string, env: NodeJS.ProcessEnv): Setting<string> {
  return postgresUrl(variable, developmentDefault(env, databaseUrlDefault(service)));
}
