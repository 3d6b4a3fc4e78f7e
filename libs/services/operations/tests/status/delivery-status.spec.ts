import { Admin, Kafka } from 'kafkajs';
import { deadLetterHeaders } from '@consign/kafka';
import { AdminClient, Progress, operationsSettings, deliveryStatus } from '@consign/operations';
import { createTopics, produce, randomName, startStandIn, testKafka } from '../support/test-fixtures';

describe('delivery status (real Kafka, stand-in gateway)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let gateway: Awaited<ReturnType<typeof startStandIn>>;
  const topic = randomName('ops-status');
  const processedBy = randomName('ops-status-ok');
  const failedIn = randomName('ops-status-dlq');
  const deadLetters = `deadletter.${failedIn}.v1`;
  let recordOffset: string;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [topic, deadLetters]);
    [, recordOffset] = await produce(kafka, topic, [
      { partition: 1, value: 'a' },
      { partition: 1, value: 'b' },
    ]);
    await admin.setOffsets({ groupId: processedBy, topic, partitions: [{ partition: 1, offset: '2' }] });
    await admin.setOffsets({ groupId: failedIn, topic, partitions: [{ partition: 1, offset: recordOffset }] });
    await produce(kafka, deadLetters, [
      {
        partition: 0,
        value: 'b',
        headers: {
          [deadLetterHeaders.topic]: topic,
          [deadLetterHeaders.partition]: '1',
          [deadLetterHeaders.offset]: recordOffset,
          [deadLetterHeaders.group]: failedIn,
          [deadLetterHeaders.category]: 'invalid',
          [deadLetterHeaders.code]: 'x.bad',
          [deadLetterHeaders.message]: 'bad line',
          [deadLetterHeaders.attempts]: '1',
        },
      },
      {
        partition: 0,
        value: 'other',
        headers: { [deadLetterHeaders.topic]: topic, [deadLetterHeaders.partition]: '1', [deadLetterHeaders.offset]: '0' },
      },
    ]);
    const delivery = {
      deliveryKey: 'shopify:d-1',
      source: 'shopify',
      tenantId: 'dev-store',
      topic: 'orders/create',
      deliveryId: 'd-1',
      sourceEventId: null,
      eventId: 'e-1',
      status: 'published',
      duplicateOf: null,
      attempts: 1,
      receivedAt: new Date(Date.now() - 60_000).toISOString(),
      verifiedAt: new Date().toISOString(),
      publishedAt: new Date().toISOString(),
      publishedTo: [{ topic, partition: 1, offset: recordOffset }],
    };
    gateway = await startStandIn({
      'GET /admin/deliveries/d-1': () => ({ body: { deliveries: [delivery] } }),
      'GET /admin/deliveries/order-9': () => ({ status: 404, body: { code: 'admin.delivery_not_found' } }),
      'GET /admin/deliveries?subjectId=order-9': () => ({ body: { deliveries: [delivery] } }),
      'GET /admin/deliveries?subjectId=nothing': () => ({ body: { deliveries: [] } }),
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await admin?.deleteGroups([processedBy, failedIn]).catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic, deadLetters] }).catch(() => undefined);
    await admin?.disconnect();
  });

  const deps = () => ({
    kafka,
    admin,
    http: new AdminClient({ ...operationsSettings({ NODE_ENV: 'development' }).serviceUrls, gateway: gateway.url }, 'dev-admin-key'),
    progress: (label: string, total?: number) => new Progress(label, total, () => undefined),
  });

  it('follows a delivery to the groups that processed it and the one that dead-lettered it', async () => {
    const report = await deliveryStatus(deps(), 'd-1');
    expect(report.matchedBy).toBe('delivery');
    const [{ records }] = report.deliveries;
    expect(records[0].consumers).toEqual(
      expect.arrayContaining([
        { group: processedBy, committed: '2', processed: true },
        { group: failedIn, committed: recordOffset, processed: false },
      ]),
    );
    expect(records[0].deadLetters).toHaveLength(1);
    expect(records[0].deadLetters[0]).toMatchObject({
      group: failedIn,
      category: 'invalid',
      code: 'x.bad',
      message: 'bad line',
      attempts: 1,
    });
  });

  it('falls back to the order id, and says so when neither is known', async () => {
    expect((await deliveryStatus(deps(), 'order-9')).matchedBy).toBe('subject');
    await expect(deliveryStatus(deps(), 'nothing')).rejects.toThrow('knows no delivery and no order nothing');
  });
});
