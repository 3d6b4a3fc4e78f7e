import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { DeliveryClaim, DeliveryStore } from './delivery-store';
import { CreateWebhookDeliveries1764355400000 } from './gateway-migrations';

/** The gateway's dedupe and spool records, against a real PostgreSQL. */
let database: TemporaryDatabase;
let dataSource: DataSource;
let store: DeliveryStore;

function claimFor(overrides: Partial<DeliveryClaim> = {}): DeliveryClaim {
  const deliveryId = randomUUID();
  return {
    deliveryKey: `shopify:shop.myshopify.com:${deliveryId}`,
    source: 'shopify',
    tenantId: 'dev-store',
    topic: 'orders/create',
    deliveryId,
    sourceEventId: randomUUID(),
    eventId: randomUUID(),
    requestId: randomUUID(),
    ...overrides,
  };
}

beforeAll(async () => {
  database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_gateway_test');
  dataSource = createServiceDataSource({ url: database.url, entities: [], migrations: [CreateWebhookDeliveries1764355400000], applicationName: 'gateway-test', synchronousCommit: false });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  store = new DeliveryStore(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

describe('DeliveryStore (real PostgreSQL)', () => {
  it('claims a delivery once; a repeat sees its status', async () => {
    const claim = claimFor();
    expect(await store.claim(claim)).toEqual({ claimed: true, earlierDeliveryOfEvent: null, spoolBusy: false });
    expect(await store.claim(claim)).toEqual({ claimed: false, status: 'receiving' });
    await store.markPublished(claim.deliveryKey, [{ topic: 'shopify.orders.v1', partition: 1, offset: '7' }]);
    expect(await store.claim(claim)).toEqual({ claimed: false, status: 'published' });
    const [record] = await store.find(claim.deliveryId);
    expect(record).toMatchObject({ status: 'published', publishedTo: [{ topic: 'shopify.orders.v1', partition: 1, offset: '7' }], attempts: 1 });
  });

  it('lets the sender\'s retry take over a failed claim, or one a dead gateway left receiving', async () => {
    const failed = claimFor();
    await store.claim(failed);
    await store.markFailed(failed.deliveryKey);
    expect((await store.claim(failed)).claimed).toBe(true);

    const abandoned = claimFor();
    await store.claim(abandoned);
    expect((await store.claim(abandoned)).claimed).toBe(false);
    await dataSource.query(`UPDATE webhook_deliveries SET verified_at = now() - interval '31 seconds' WHERE delivery_key = $1`, [abandoned.deliveryKey]);
    expect((await store.claim(abandoned)).claimed).toBe(true);
    expect((await store.find(abandoned.deliveryKey))[0].attempts).toBe(2);
  });

  it('names the earlier delivery of the same domain event', async () => {
    const first = claimFor();
    await store.claim(first);
    await store.markPublished(first.deliveryKey, []);
    const second = claimFor({ eventId: first.eventId });
    expect(await store.claim(second)).toMatchObject({ claimed: true, earlierDeliveryOfEvent: first.deliveryKey });
  });

  it('drains the spool in arrival order and keeps spooled deliveries past the dedupe window', async () => {
    const [a, b] = [claimFor(), claimFor()];
    for (const claim of [a, b]) {
      await store.claim(claim);
      await store.spool(claim.deliveryKey, [{ topic: 'shopify.orders.v1', key: claim.deliveryId, value: Buffer.from('x').toString('base64'), headers: {} }]);
    }
    expect((await store.claim(claimFor())) as { spoolBusy: boolean }).toMatchObject({ spoolBusy: true });
    await dataSource.query(`UPDATE webhook_deliveries SET received_at = now() - interval '3 days'`);
    await store.forgetOlderThan(48 * 3_600_000);
    const spooled = await store.oldestSpooled(10);
    expect(spooled.map((row) => row.deliveryKey)).toEqual([a.deliveryKey, b.deliveryKey]);
    await store.drained(spooled[0].id, a.deliveryKey, [{ topic: 'shopify.orders.v1', partition: 0, offset: '1' }]);
    expect((await store.find(a.deliveryId))[0].status).toBe('published');
    expect(await store.spoolDepth()).toBe(1);
    expect(await store.forgetOlderThan(48 * 3_600_000)).toBeGreaterThanOrEqual(1);
    expect(await store.find(a.deliveryId)).toEqual([]);
    expect((await store.find(b.deliveryId))[0].status).toBe('spooled');
  });
});
