import { developmentDefault, isDevelopment } from './deployment-mode';
import { kafkaConnectionSettings } from './kafka-settings';
import { Setting } from './load-config';
import { registryConnectionSettings } from './registry-settings';
import { serviceCatalogue } from './service-catalogue';
import { flag } from './settings';
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

/**
 * The platform's consumer groups by the variable that renames each, with its default: each has
 * its own dead-letter and retry topics, which `npm run provision` creates.
 */
export const consumerGroupDefaults = {
  INVENTORY_CONSUMER_GROUP: serviceCatalogue['inventory-service'].consumerGroup,
  EARNINGS_CONSUMER_GROUP: serviceCatalogue['earnings-service'].consumerGroup,
  CONSIGNOR_CONSUMER_GROUP: serviceCatalogue['consignor-service'].consumerGroup,
  NOTIFICATION_CONSUMER_GROUP: serviceCatalogue['notification-service'].consumerGroup,
  RECONCILER_AUDIT_CONSUMER_GROUP: serviceCatalogue.reconciler.auditConsumerGroup,
} as const;

/** Each service owns one database, `consign_<service>`, on the platform's PostgreSQL server. */
export function databaseUrlDefault(service: string): string {
  return `${platformDefaults.postgresServer}/consign_${service}`;
}

/**
 * The Kafka connection (kafkaConnectionSettings) and the registry's (registryConnectionSettings),
 * shared by every app and the tools: the local infrastructure in development, required anywhere
 * else. With them, whether the app provisions what it uses at start (startupProvisioningSettings).
 */
export function platformConnectionSettings(env: NodeJS.ProcessEnv) {
  return {
    ...kafkaConnectionSettings(env),
    ...registryConnectionSettings(env, developmentDefault(env, platformDefaults.schemaRegistryUrl)),
    ...startupProvisioningSettings(env),
  };
}

/**
 * Whether an app creates the topics it uses and registers the schemas it writes when it starts
 * (KAFKA_CREATE_TOPICS, SCHEMA_REGISTRY_REGISTER_SCHEMAS). In development it does; anywhere else
 * `npm run provision` is the deploy step, run with admin credentials, and the apps only check that
 * what they need exists, so they need no admin rights.
 */
export function startupProvisioningSettings(env: NodeJS.ProcessEnv) {
  return {
    createTopics: flag('KAFKA_CREATE_TOPICS', isDevelopment(env)),
    registerSchemas: flag('SCHEMA_REGISTRY_REGISTER_SCHEMAS', isDevelopment(env)),
  };
}

/** `<APP>_DATABASE_URL`: the app's own database on the local server in development, required anywhere else. */
export function databaseUrlSetting(variable: string, service: string, env: NodeJS.ProcessEnv): Setting<string> {
  return postgresUrl(variable, developmentDefault(env, databaseUrlDefault(service)));
}
