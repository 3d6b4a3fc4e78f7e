import { DataSource } from 'typeorm';
import { PublishedRecord } from '@consign/kafka';
import { ClaimResult, DeliveryClaim, DeliveryStore } from '../../src/intake/delivery-store';
import { GatewayDatabase, openGatewayDatabase } from '../support/gateway-database';
import { deliveryClaimFor } from '../support/delivery-claims';

/** The gateway's dedupe and spool records, against a real PostgreSQL. */
let database: GatewayDatabase;
let dataSource: DataSource;
let store: DeliveryStore;

const claimOne = async (delivery: DeliveryClaim): Promise<ClaimResult> => (await store.claimAll([delivery]))[0];
const markPublished = (deliveryKey: string, publishedTo: PublishedRecord[]): Promise<void> =>
  store.markAllPublished([{ deliveryKey, publishedTo }]);

beforeAll(async () => {
  database = await openGatewayDatabase('consign_gateway_test');
  dataSource = database.dataSource;
  store = new DeliveryStore(dataSource);
});

afterAll(async () => {
  await database?.drop();
});

describe('DeliveryStore (real PostgreSQL)', () => {
  it('claims a delivery once; a repeat sees its status', async () => {
    const claim = deliveryClaimFor();
    expect(await claimOne(claim)).toEqual({ claimed: true, earlierDeliveryOfEvent: null, spoolBusy: false });
    expect(await claimOne(claim)).toEqual({ claimed: false, status: 'receiving' });
    await markPublished(claim.deliveryKey, [{ topic: 'shopify.orders.v1', partition: 1, offset: '7' }]);
    expect(await claimOne(claim)).toEqual({ claimed: false, status: 'published' });
    const [record] = await store.find(claim.deliveryId);
    expect(record).toMatchObject({
      status: 'published',
      publishedTo: [{ topic: 'shopify.orders.v1', partition: 1, offset: '7' }],
      attempts: 1,
    });
  });

  it("lets the sender's retry take over a failed claim, or one a dead gateway left receiving", async () => {
    const failed = deliveryClaimFor();
    await claimOne(failed);
    await store.markFailed(failed.deliveryKey);
    expect((await claimOne(failed)).claimed).toBe(true);

    const abandoned = deliveryClaimFor();
    await claimOne(abandoned);
    expect((await claimOne(abandoned)).claimed).toBe(false);
    await dataSource.query(`UPDATE webhook_deliveries SET verified_at = now() - interval '31 seconds' WHERE delivery_key = $1`, [
      abandoned.deliveryKey,
    ]);
    expect((await claimOne(abandoned)).claimed).toBe(true);
    expect((await store.find(abandoned.deliveryKey))[0].attempts).toBe(2);
  });

  it('names the earlier delivery of the same domain event', async () => {
    const first = deliveryClaimFor();
    await claimOne(first);
    await markPublished(first.deliveryKey, []);
    const second = deliveryClaimFor({ eventId: first.eventId });
    expect(await claimOne(second)).toMatchObject({ claimed: true, earlierDeliveryOfEvent: first.deliveryKey });
  });

  it('claims a whole batch in one call: repeats inside the batch are in flight, a second delivery of one event is its duplicate', async () => {
    const published = deliveryClaimFor();
    await claimOne(published);
    await markPublished(published.deliveryKey, []);
    const fresh = deliveryClaimFor();
    const sameEvent = deliveryClaimFor({ eventId: fresh.eventId });
    const other = deliveryClaimFor();
    const results = await store.claimAll([fresh, { ...fresh, requestId: 'second request' }, published, sameEvent, other]);
    expect(results).toEqual([
      { claimed: true, earlierDeliveryOfEvent: null, spoolBusy: expect.any(Boolean) },
      { claimed: false, status: 'receiving' },
      { claimed: false, status: 'published' },
      { claimed: true, earlierDeliveryOfEvent: fresh.deliveryKey, spoolBusy: expect.any(Boolean) },
      { claimed: true, earlierDeliveryOfEvent: null, spoolBusy: expect.any(Boolean) },
    ]);
    expect((await store.find(fresh.deliveryId))[0]).toMatchObject({ status: 'receiving', requestId: fresh.requestId, attempts: 1 });
  });

  it('records where each delivery of a batch landed', async () => {
    const [a, b] = [deliveryClaimFor(), deliveryClaimFor()];
    await store.claimAll([a, b]);
    await store.markAllPublished([
      { deliveryKey: a.deliveryKey, publishedTo: [{ topic: 'shopify.orders.v1', partition: 0, offset: '11' }] },
      { deliveryKey: b.deliveryKey, publishedTo: [{ topic: 'shopify.orders.v1', partition: 2, offset: '12' }] },
    ]);
    expect((await store.find(a.deliveryId))[0]).toMatchObject({
      status: 'published',
      publishedTo: [{ topic: 'shopify.orders.v1', partition: 0, offset: '11' }],
    });
    expect((await store.find(b.deliveryId))[0]).toMatchObject({
      status: 'published',
      publishedTo: [{ topic: 'shopify.orders.v1', partition: 2, offset: '12' }],
    });
  });

  it('drains the spool in arrival order and keeps spooled deliveries past the dedupe window', async () => {
    const [a, b] = [deliveryClaimFor(), deliveryClaimFor()];
    for (const claim of [a, b]) {
      await claimOne(claim);
      await store.spool(claim.deliveryKey, [
        { topic: 'shopify.orders.v1', key: claim.deliveryId, value: Buffer.from('x').toString('base64'), headers: {} },
      ]);
    }
    expect((await claimOne(deliveryClaimFor())) as { spoolBusy: boolean }).toMatchObject({ spoolBusy: true });
    await dataSource.query(`UPDATE webhook_deliveries SET received_at = now() - interval '3 days'`);
    await store.forgetOlderThan(48 * 3_600_000);
    const spooled = await store.oldestSpooled(10);
    expect(spooled.map((row) => row.deliveryKey)).toEqual([a.deliveryKey, b.deliveryKey]);
    await store.drained([
      { id: spooled[0].id, deliveryKey: a.deliveryKey, publishedTo: [{ topic: 'shopify.orders.v1', partition: 0, offset: '1' }] },
    ]);
    expect((await store.find(a.deliveryId))[0].status).toBe('published');
    expect(await store.spoolDepth()).toBe(1);
    expect(await store.forgetOlderThan(48 * 3_600_000)).toBeGreaterThanOrEqual(1);
    expect(await store.find(a.deliveryId)).toEqual([]);
    expect((await store.find(b.deliveryId))[0].status).toBe('spooled');
  });

  it('forgets, after the dedupe window, a claim that a gateway which died mid-request left receiving', async () => {
    const abandoned = deliveryClaimFor();
    const recent = deliveryClaimFor();
    await store.claimAll([abandoned, recent]);
    await dataSource.query(
      `UPDATE webhook_deliveries SET received_at = now() - interval '3 days', verified_at = now() - interval '3 days' WHERE delivery_key = $1`,
      [abandoned.deliveryKey],
    );
    await store.forgetOlderThan(48 * 3_600_000);
    expect(await store.find(abandoned.deliveryId)).toEqual([]);
    expect((await store.find(recent.deliveryId))[0].status).toBe('receiving');
  });

  it('finds every delivery about one subject, oldest first, and nothing for an unknown one', async () => {
    const subjectId = '820982911946154508';
    const created = deliveryClaimFor({ subjectId, topic: 'orders/create' });
    const paid = deliveryClaimFor({ subjectId, topic: 'orders/paid' });
    await claimOne(created);
    await claimOne(paid);
    await claimOne(deliveryClaimFor());
    await dataSource.query(`UPDATE webhook_deliveries SET received_at = now() - interval '1 minute' WHERE delivery_key = $1`, [
      created.deliveryKey,
    ]);
    const found = await store.findBySubject(subjectId);
    expect(found.map((record) => [record.topic, record.subjectId])).toEqual([
      ['orders/create', subjectId],
      ['orders/paid', subjectId],
    ]);
    expect(await store.findBySubject('no-such-order')).toEqual([]);
  });

  it('counts replays on the delivery they repeat and fills in a subject recorded before subjects were', async () => {
    const claim = deliveryClaimFor();
    await claimOne(claim);
    expect((await store.find(claim.deliveryId))[0]).toMatchObject({ replayCount: 0, lastReplayedAt: null });
    await dataSource.query('UPDATE webhook_deliveries SET subject_id = NULL WHERE delivery_key = $1', [claim.deliveryKey]);
    await store.markReplayed(claim.deliveryKey, 'order-1');
    await store.markReplayed(claim.deliveryKey, 'order-2');
    const [record] = await store.find(claim.deliveryId);
    expect(record).toMatchObject({ replayCount: 2, subjectId: 'order-1' });
    expect(record.lastReplayedAt).not.toBeNull();
  });
});
