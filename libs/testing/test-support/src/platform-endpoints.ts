import { databaseUrlDefault, platformDefaults } from '@consign/config';

/** Where integration tests find the real servers: the environment when set, else the local infrastructure. */
export function testEndpoints(): {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  postgresServerUrl: string;
  databaseUrl: (service: string) => string;
  /** Where services send mail in tests: the development mail sink's SMTP side. */
  smtpUrl: string;
  /** The mail sink's HTTP API, which lists what it received. */
  mailSinkUrl: string;
} {
  return {
    smtpUrl: process.env.SMTP_URL ?? 'smtp://127.0.0.1:1025',
    mailSinkUrl: process.env.MAIL_SINK_URL ?? 'http://127.0.0.1:8025',
    postgresServerUrl: process.env.POSTGRES_ADMIN_URL ?? `${platformDefaults.postgresServer}/postgres`,
    kafkaBrokers: process.env.KAFKA_BROKERS?.split(',') ?? [...platformDefaults.kafkaBrokers],
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? platformDefaults.schemaRegistryUrl,
    databaseUrl: (service) => process.env[`${service.toUpperCase()}_DATABASE_URL`] ?? databaseUrlDefault(service),
  };
}
