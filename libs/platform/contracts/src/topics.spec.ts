import { deadLetterTopic, serviceReferenceTopics, serviceSubscriptions, SubscribingService, topics } from './topics';

const DAY_MS = 86_400_000;

describe('topic catalogue', () => {
  const definitions = Object.values(topics);

  it('has unique, versioned names', () => {
    expect(new Set(definitions.map((topic) => topic.name)).size).toBe(definitions.length);
    for (const topic of definitions) expect(topic.name).toMatch(/^[a-z0-9]+(\.[a-z0-9_-]+)*\.v[1-9][0-9]*$/);
  });

  it('gives every topic positive partitions and retention and says what its key is', () => {
    for (const topic of definitions) {
      expect(Number.isInteger(topic.partitions) && topic.partitions > 0).toBe(true);
      expect(topic.retentionMs).toBeGreaterThan(0);
      expect(topic.key.length).toBeGreaterThan(0);
    }
  });

  it('compacts the tenant store, keyed by tenant id, so the latest settings of each store are kept', () => {
    expect(topics.tenants).toMatchObject({ name: 'tenants.v1', key: 'tenant id', cleanupPolicy: 'compact' });
    expect(definitions.filter((topic) => 'cleanupPolicy' in topic).map((topic) => topic.name)).toEqual(['tenants.v1']);
  });

  it('keeps the raw webhook archive for a year', () => {
    expect(topics.webhooksRaw).toMatchObject({ name: 'webhooks.raw.v1', retentionMs: 365 * DAY_MS });
  });
});

describe('serviceReferenceTopics', () => {
  it('names only topics the service reads, and never all of them: something must refer to what is read first', () => {
    for (const [service, references] of Object.entries(serviceReferenceTopics) as Array<
      [SubscribingService, (typeof topics.shopifyProducts)[]]
    >) {
      const subscribed = serviceSubscriptions[service].map((topic) => topic.name);
      expect({ service, outside: references.map((topic) => topic.name).filter((name) => !subscribed.includes(name)) }).toEqual({
        service,
        outside: [],
      });
      if (references.length > 0) expect(references.length).toBeLessThan(subscribed.length);
    }
    expect(serviceReferenceTopics['inventory-service']).toEqual([topics.shopifyProducts]);
  });
});

describe('deadLetterTopic', () => {
  it('names one dead-letter topic per consumer group, keyed like the original record', () => {
    expect(deadLetterTopic('inventory-service.orders')).toEqual({
      name: 'deadletter.inventory-service.orders.v1',
      partitions: 3,
      key: 'original record key',
      retentionMs: 30 * DAY_MS,
    });
  });

  it.each(['', 'Inventory', 'inventory service', 'inventory_service', 'inventory/orders', 'ïnventory'])(
    'refuses the group name %j',
    (group) => {
      expect(() => deadLetterTopic(group)).toThrow(/Invalid consumer group name/);
    },
  );
});
