import { operationsSettings } from './operations-settings';

describe('operationsSettings', () => {
  it('defaults to the local platform and the development key in development', () => {
    expect(operationsSettings({ NODE_ENV: 'development' })).toEqual({
      kafka: { brokers: ['127.0.0.1:9092'], tls: { mode: 'disable' }, sasl: null },
      registry: { url: 'http://127.0.0.1:8080/apis/ccompat/v7', tls: { mode: 'disable' }, auth: null },
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_reconciler',
      databaseTls: { mode: 'disable' },
      apiKey: 'dev-admin-key',
      serviceUrls: {
        gateway: 'http://127.0.0.1:3010',
        'inventory-service': 'http://127.0.0.1:3001',
        'earnings-service': 'http://127.0.0.1:3002',
        'consignor-service': 'http://127.0.0.1:3003',
        'notification-service': 'http://127.0.0.1:3004',
        reconciler: 'http://127.0.0.1:3005',
      },
      webhookUrl: 'http://127.0.0.1:3000',
    });
  });

  // Outside development the registry is always named: the CLI signs in to it as the apps do.
  const registry = { SCHEMA_REGISTRY_URL: 'https://registry.example.com' };

  it('takes every endpoint from the environment', () => {
    const settings = operationsSettings({
      ...registry,
      OPS_INVENTORY_URL: 'http://inv:80',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      OPERATIONS_DATABASE_URL: 'postgres://ops@db/ops',
      OPS_API_KEY: 'secret',
    });
    expect(settings).toMatchObject({
      kafka: { brokers: ['k1:9092', 'k2:9092'] },
      databaseUrl: 'postgres://ops@db/ops',
      apiKey: 'secret',
      serviceUrls: { 'inventory-service': 'http://inv:80' },
    });
    expect(operationsSettings({ ...registry, RECONCILER_DATABASE_URL: 'postgres://r@db/rec' }).databaseUrl).toBe('postgres://r@db/rec');
  });

  it('requires the registry outside development, verified, with the credentials given', () => {
    expect(() => operationsSettings({})).toThrow('SCHEMA_REGISTRY_URL: is required but not set');
    expect(operationsSettings({ ...registry, SCHEMA_REGISTRY_USERNAME: 'ops', SCHEMA_REGISTRY_PASSWORD: 'pw' }).registry).toEqual({
      url: 'https://registry.example.com',
      tls: { mode: 'verify-full' },
      auth: { kind: 'basic', username: 'ops', password: 'pw' },
    });
  });

  it('verifies the brokers outside development and signs in with the SASL credentials given', () => {
    expect(operationsSettings(registry).kafka).toEqual({ brokers: ['127.0.0.1:9092'], tls: { mode: 'verify-full' }, sasl: null });
    const env = {
      ...registry,
      KAFKA_BROKERS: 'b1:9094',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ops',
      KAFKA_SASL_PASSWORD: 'pw',
    };
    expect(operationsSettings(env).kafka).toEqual({
      brokers: ['b1:9094'],
      tls: { mode: 'verify-full' },
      sasl: { mechanism: 'scram-sha-512', username: 'ops', password: 'pw' },
    });
  });

  it('verifies the database server outside development, reaching it as the reconciler does unless told otherwise', () => {
    expect(operationsSettings(registry).databaseTls).toEqual({ mode: 'verify-full' });
    expect(operationsSettings({ ...registry, RECONCILER_DATABASE_TLS: 'verify-ca' }).databaseTls).toEqual({ mode: 'verify-ca' });
    expect(
      operationsSettings({ ...registry, RECONCILER_DATABASE_TLS: 'verify-ca', OPERATIONS_DATABASE_TLS: 'require' }).databaseTls,
    ).toEqual({ mode: 'require' });
    expect(() => operationsSettings({ ...registry, OPERATIONS_DATABASE_URL: 'postgres://ops@db/ops?sslmode=disable' })).toThrow(
      'OPERATIONS_DATABASE_URL: sets sslmode in its query',
    );
  });

  it('has no key outside development unless given, and reports bad values by name', () => {
    for (const env of [registry, { ...registry, NODE_ENV: 'production' }, { ...registry, NODE_ENV: 'prod' }])
      expect(operationsSettings(env).apiKey).toBeUndefined();
    expect(() => operationsSettings({ ...registry, OPS_GATEWAY_URL: 'nope' })).toThrow('OPS_GATEWAY_URL: must be a URL');
  });
});
