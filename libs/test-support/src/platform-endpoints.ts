import { databaseUrlDefault, platformDefaults } from '@consign/config';

/** Where integration tests find the real servers: the environment when set, else the local infrastructure. */
export function testEndpoints(): { kafkaBrokers: string[]; schemaRegistryUrl: string; postgresServerUrl: string; databaseUrl: (service: string) => string } {
  return {
    postgresServerUrl: process.env.POSTGRES_ADMIN_URL ?? `${platformDefaults.postgresServer}/postgres`,
    kafkaBrokers: process.env.KAFKA_BROKERS?.split(',') ?? [...platformDefaults.kafkaBrokers],
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? platformDefaults.schemaRegistryUrl,
    databaseUrl: (service) => process.env[`${service.toUpperCase()}_DATABASE_URL`] ?? databaseUrlDefault(service),
  };
}
