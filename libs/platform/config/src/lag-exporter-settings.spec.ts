import { lagExporterSettings, platformConsumerGroups } from './lag-exporter-settings';
import { ConfigError, loadConfig } from './load-config';

describe('lagExporterSettings', () => {
  it('polls every 15 seconds and watches the default groups unless told otherwise', () => {
    const config = loadConfig(lagExporterSettings(), {});
    expect(config.lagPollIntervalMs).toBe(15_000);
    expect(platformConsumerGroups(config)).toEqual([
      'inventory-service',
      'earnings-service',
      'consignor-service',
      'notification-service',
      'reconciler-audit',
    ]);
  });

  it('takes a renamed group and another interval', () => {
    const config = loadConfig(lagExporterSettings(), { INVENTORY_CONSUMER_GROUP: 'inventory-rebuild', LAG_POLL_INTERVAL: '1m' });
    expect(config.lagPollIntervalMs).toBe(60_000);
    expect(platformConsumerGroups(config)).toContain('inventory-rebuild');
    expect(platformConsumerGroups(config)).not.toContain('inventory-service');
  });

  it.each(['500ms', '0', 'soon'])('refuses LAG_POLL_INTERVAL=%s, naming the variable', (value) => {
    expect(() => loadConfig(lagExporterSettings(), { LAG_POLL_INTERVAL: value })).toThrow(ConfigError);
    expect(() => loadConfig(lagExporterSettings(), { LAG_POLL_INTERVAL: value })).toThrow(/LAG_POLL_INTERVAL: must/);
  });
});
