import { loadConfig } from '@consign/config';
import { hashApiKey } from '@consign/service-runtime';
import { eventServiceSettings } from './event-service-config';

const settingsIn = (env: NodeJS.ProcessEnv) => eventServiceSettings('inventory-service', env);
const development = { NODE_ENV: 'development' };

describe('event service settings', () => {
  it('in development, owns its database, port and consumer group on the local infrastructure, on this host only', () => {
    const { apiKeys, ...config } = loadConfig(settingsIn(development), development);
    expect(config).toEqual({
      port: 3001,
      host: '127.0.0.1',
      kafkaBrokers: ['127.0.0.1:9092'],
      kafkaTlsMode: 'disable',
      kafkaSaslMechanism: 'none',
      schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
      schemaRegistryTlsMode: 'disable',
      createTopics: true,
      registerSchemas: true,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_inventory',
      databaseTlsMode: 'disable',
      consumerGroup: 'inventory-service',
    });
    expect(apiKeys.identify('dev-admin-key')?.name).toBe('developer');
  });

  it('takes every endpoint from the environment, named after the service', () => {
    const env = {
      INVENTORY_PORT: '4001',
      INVENTORY_HOST: '0.0.0.0',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'inventory',
      KAFKA_SASL_PASSWORD: 'kafka-secret',
      SCHEMA_REGISTRY_URL: 'https://registry.example.test',
      INVENTORY_DATABASE_URL: 'postgresql://inventory:secret@db.example.test:5432/inventory',
      INVENTORY_DATABASE_TLS: 'verify-ca',
      INVENTORY_CONSUMER_GROUP: 'inventory-blue',
      API_KEYS: JSON.stringify([{ name: 'ops', sha256: hashApiKey('ops-key'), scopes: ['admin'] }]),
    };
    const { apiKeys, ...config } = loadConfig(settingsIn(env), env);
    expect(config).toEqual({
      port: 4001,
      host: '0.0.0.0',
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
      kafkaTlsMode: 'verify-full',
      kafkaSaslMechanism: 'scram-sha-512',
      kafkaSaslUsername: 'inventory',
      kafkaSaslPassword: 'kafka-secret',
      schemaRegistryUrl: 'https://registry.example.test',
      schemaRegistryTlsMode: 'verify-full',
      // Outside development the deploy step provisions; the service only checks.
      createTopics: false,
      registerSchemas: false,
      databaseUrl: 'postgresql://inventory:secret@db.example.test:5432/inventory',
      databaseTlsMode: 'verify-ca',
      consumerGroup: 'inventory-blue',
    });
    expect(apiKeys.identify('ops-key')?.name).toBe('ops');
  });

  it('outside development, names every endpoint and key it lacks, instead of reaching for localhost', () => {
    for (const env of [{}, { NODE_ENV: 'prod' }]) {
      expect(() => loadConfig(settingsIn(env), env)).toThrow(
        [
          'Invalid configuration:',
          '  - KAFKA_BROKERS: is required: a comma-separated list',
          '  - SCHEMA_REGISTRY_URL: is required but not set',
          '  - INVENTORY_DATABASE_URL: is required but not set',
          '  - API_KEYS: is required but not set',
        ].join('\n'),
      );
    }
  });

  it('refuses a database URL that is not PostgreSQL without echoing its credentials', () => {
    expect(() => loadConfig(settingsIn(development), { ...development, INVENTORY_DATABASE_URL: 'mysql://user:pw@host/db' })).toThrow(
      'INVENTORY_DATABASE_URL: must use postgres or postgresql, got "mysql:"',
    );
  });
});
