import { loadConfig } from '@consign/config';
import { hashApiKey } from '@consign/service-runtime';
import { eventServiceSettings } from './event-service-config';

const settings = eventServiceSettings('INVENTORY', { port: 3001, database: 'inventory', consumerGroup: 'inventory-service' });

describe('event service settings', () => {
  it('owns its database, port and consumer group by default', () => {
    expect(loadConfig(settings, {})).toEqual({
      port: 3001,
      kafkaBrokers: ['127.0.0.1:9092'],
      schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_inventory',
      consumerGroup: 'inventory-service',
      adminApiKeyHashes: [hashApiKey('dev-admin-key')],
    });
  });

  it('takes every endpoint from the environment, named after the service', () => {
    const config = loadConfig(settings, {
      INVENTORY_PORT: '4001',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      SCHEMA_REGISTRY_URL: 'https://registry.example.test',
      INVENTORY_DATABASE_URL: 'postgresql://inventory:secret@db.example.test:5432/inventory',
      INVENTORY_CONSUMER_GROUP: 'inventory-blue',
      ADMIN_API_KEY_HASHES: hashApiKey('ops-key'),
    });
    expect(config).toEqual({
      port: 4001,
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
      schemaRegistryUrl: 'https://registry.example.test',
      databaseUrl: 'postgresql://inventory:secret@db.example.test:5432/inventory',
      consumerGroup: 'inventory-blue',
      adminApiKeyHashes: [hashApiKey('ops-key')],
    });
  });

  it('requires the admin key hashes in production', () => {
    expect(() => loadConfig(eventServiceSettings('INVENTORY', { port: 3001, database: 'inventory', consumerGroup: 'inventory-service' }, 'production'), {})).toThrow('ADMIN_API_KEY_HASHES');
  });

  it('refuses a database URL that is not PostgreSQL without echoing its credentials', () => {
    expect(() => loadConfig(settings, { INVENTORY_DATABASE_URL: 'mysql://user:pw@host/db' })).toThrow('INVENTORY_DATABASE_URL: must use postgres or postgresql, got "mysql:"');
  });
});
