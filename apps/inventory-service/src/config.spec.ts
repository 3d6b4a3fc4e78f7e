import { loadInventoryConfig } from './config';

describe('inventory-service configuration', () => {
  it('owns the consign_inventory database by default', () => {
    const config = loadInventoryConfig({});
    expect(config.port).toBe(3001);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/consign_inventory');
    expect(config.consumerGroup).toBe('inventory-service');
  });

  it('takes every endpoint from the environment', () => {
    const config = loadInventoryConfig({
      INVENTORY_PORT: '4001',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      SCHEMA_REGISTRY_URL: 'https://registry.example.test',
      INVENTORY_DATABASE_URL: 'postgresql://inventory:secret@db.example.test:5432/inventory',
    });
    expect(config).toMatchObject({
      port: 4001,
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
      schemaRegistryUrl: 'https://registry.example.test',
      databaseUrl: 'postgresql://inventory:secret@db.example.test:5432/inventory',
    });
  });

  it('refuses a database URL that is not PostgreSQL without echoing its credentials', () => {
    expect(() => loadInventoryConfig({ INVENTORY_DATABASE_URL: 'mysql://user:pw@host/db' })).toThrow('INVENTORY_DATABASE_URL: must use postgres or postgresql, got "mysql:"');
  });
});
