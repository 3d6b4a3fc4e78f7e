import { loadConsignorConfig } from './config';

describe('consignor-service configuration', () => {
  it('owns the consign_consignor database and port 3003 by default', () => {
    expect(loadConsignorConfig({ NODE_ENV: 'development' })).toMatchObject({
      port: 3003,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_consignor',
      consumerGroup: 'consignor-service',
    });
  });

  it('requires the tenants in production', () => {
    expect(() => loadConsignorConfig({ NODE_ENV: 'prod' })).toThrow('TENANTS: is required but not set');
  });

  it('seals personal data under the development KEK in development, and requires the KEKs in production', () => {
    expect(loadConsignorConfig({ NODE_ENV: 'development' }).personalDataKeys.current.id).toBe('development');
    expect(() => loadConsignorConfig({ NODE_ENV: 'prod' })).toThrow('PERSONAL_DATA_KEYS: is required but not set');
  });
});
