import { operationsSettings } from './operations-settings';

describe('operationsSettings', () => {
  it('defaults to the local platform and the development key outside production', () => {
    expect(operationsSettings({})).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      schemaRegistryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_reconciler',
      apiKey: 'dev-admin-key',
      serviceUrls: {
        gateway: 'http://127.0.0.1:3000',
        'inventory-service': 'http://127.0.0.1:3001',
        'earnings-service': 'http://127.0.0.1:3002',
        'consignor-service': 'http://127.0.0.1:3003',
        'notification-service': 'http://127.0.0.1:3004',
        reconciler: 'http://127.0.0.1:3005',
      },
    });
  });

  it('takes every endpoint from the environment', () => {
    const settings = operationsSettings({ OPS_INVENTORY_URL: 'http://inv:80', KAFKA_BROKERS: 'k1:9092,k2:9092', OPERATIONS_DATABASE_URL: 'postgres://ops@db/ops', OPS_API_KEY: 'secret' });
    expect(settings).toMatchObject({ kafkaBrokers: ['k1:9092', 'k2:9092'], databaseUrl: 'postgres://ops@db/ops', apiKey: 'secret', serviceUrls: { 'inventory-service': 'http://inv:80' } });
    expect(operationsSettings({ RECONCILER_DATABASE_URL: 'postgres://r@db/rec' }).databaseUrl).toBe('postgres://r@db/rec');
  });

  it('has no key in production unless given, and reports bad values by name', () => {
    expect(operationsSettings({ NODE_ENV: 'production' }).apiKey).toBeUndefined();
    expect(() => operationsSettings({ OPS_GATEWAY_URL: 'nope' })).toThrow('OPS_GATEWAY_URL: must be a URL');
  });
});
