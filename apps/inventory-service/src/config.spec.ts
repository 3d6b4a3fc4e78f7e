import { loadInventoryConfig } from './config';

describe('inventory-service configuration', () => {
  it('owns the consign_inventory database and port 3001 by default, with the development tenant', () => {
    const config = loadInventoryConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({
      port: 3001,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_inventory',
      consumerGroup: 'inventory-service',
      holdGracePeriodMs: 900_000,
    });
    expect(config.tenants.byId('dev-store')?.consignorTagPrefix).toBe('consignor:');
  });

  it('names the variable when a value is wrong', () => {
    expect(() => loadInventoryConfig({ NODE_ENV: 'development', INVENTORY_HOLD_GRACE_PERIOD: 'soon' })).toThrow(
      'INVENTORY_HOLD_GRACE_PERIOD',
    );
    expect(() => loadInventoryConfig({ NODE_ENV: 'prod' })).toThrow('TENANTS: is required but not set');
  });
});
