import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { DeliveryClaim, DeliveryStore } from './delivery-store';
import { gatewayMigrations } from '../index';

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
    subjectId: randomUUID(),
    ...overrides,
  };
}

beforeAll(async () => {
  database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_gateway_test');
  dataSource = createServiceDataSource({ url: database.url, entities: [], migrations: gatewayMigrations, applicationName: 'gateway-test', synchronousCommit: false });
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

  it('finds every delivery about one subject, oldest first, and nothing for an unknown one', async () => {
    const subjectId = '820982911946154508';
    const created = claimFor({ subjectId, topic: 'orders/create' });
    const paid = claimFor({ subjectId, topic: 'orders/paid' });
    await store.claim(created);
    await store.claim(paid);
    await store.claim(claimFor());
    await dataSource.query(`UPDATE webhook_deliveries SET received_at = now() - interval '1 minute' WHERE delivery_key = $1`, [created.deliveryKey]);
    const found = await store.findBySubject(subjectId);
    expect(found.map((record) => [record.topic, record.subjectId])).toEqual([
      ['orders/create', subjectId],
      ['orders/paid', subjectId],
    ]);
    expect(await store.findBySubject('no-such-order')).toEqual([]);
  });

  it('counts replays on the delivery they repeat and fills in a subject recorded before subjects were', async () => {
    const claim = claimFor();
    await store.claim(claim);
    expect((await store.find(claim.deliveryId))[0]).toMatchObject({ replayCount: 0, lastReplayedAt: null });
    await dataSource.query('UPDATE webhook_deliveries SET subject_id = NULL WHERE delivery_key = $1', [claim.deliveryKey]);
    await store.markReplayed(claim.deliveryKey, 'order-1');
    await store.markReplayed(claim.deliveryKey, 'order-2');
    const [record] = await store.find(claim.deliveryId);
    expect(record).toMatchObject({ replayCount: 2, subjectId: 'order-1' });
    expect(record.lastReplayedAt).not.toBeNull();
  });
});
