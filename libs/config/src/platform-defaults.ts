/**
 * Local development endpoints (started by `npm run infra:up`). Every one is overridable by its
 * environment variable, so the same code runs against managed Kafka, a Confluent registry or a
 * cloud PostgreSQL.
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
