import { consumerGroupDefaults } from './platform-defaults';
import { consumingServices, localAppUrl, serviceCatalogue } from './service-catalogue';

describe('the service catalogue', () => {
  it('gives every app its own port, variable prefix and database', () => {
    const entries = Object.values(serviceCatalogue);
    const ports = entries.flatMap((entry) => [entry.port, ...('internalPort' in entry ? [entry.internalPort] : [])]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(new Set(entries.map((entry) => entry.prefix)).size).toBe(entries.length);
    expect(new Set(entries.map((entry) => entry.database)).size).toBe(entries.length);
  });

  it('names a consumer group for each consuming service, the defaults provisioning and the lag exporter read', () => {
    for (const service of consumingServices) {
      const { prefix, consumerGroup } = serviceCatalogue[service];
      expect(consumerGroupDefaults[`${prefix}_CONSUMER_GROUP` as keyof typeof consumerGroupDefaults]).toBe(consumerGroup);
    }
    expect(consumerGroupDefaults.RECONCILER_AUDIT_CONSUMER_GROUP).toBe(serviceCatalogue.reconciler.auditConsumerGroup);
  });

  it("points at an app's local listener, the gateway's admin API when asked for the internal one", () => {
    expect(localAppUrl('inventory-service')).toBe('http://127.0.0.1:3001');
    expect(localAppUrl('gateway')).toBe('http://127.0.0.1:3000');
    expect(localAppUrl('gateway', 'internal')).toBe('http://127.0.0.1:3010');
    expect(localAppUrl('reconciler', 'internal')).toBe('http://127.0.0.1:3005');
  });
});
