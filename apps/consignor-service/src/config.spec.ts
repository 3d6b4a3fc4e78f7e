import { loadConsignorConfig } from './config';

describe('consignor-service configuration', () => {
  it('owns the consign_consignor database and port 3003 by default', () => {
    expect(loadConsignorConfig({})).toMatchObject({ port: 3003, databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_consignor', consumerGroup: 'consignor-service' });
  });

  it('requires the tenants in production', () => {
    expect(() => loadConsignorConfig({ NODE_ENV: 'production' })).toThrow('TENANTS: is required but not set');
  });
});
