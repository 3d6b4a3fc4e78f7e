import { Admin, Kafka, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { events, RawWebhookArchived } from '@consign/contracts';
import { EventCodec } from '@consign/kafka';
import { TemporaryDatabase, testEndpoints, testEventMetadata } from '@consign/test-support';
import { listOperatorActions, AdminClient, Progress, operationsSettings, findArchivedWebhooks, replayWebhooks } from '@consign/operations';
import {
  createTopics,
  operationsTestDatabase,
  produce,
  randomName,
  recentRecordTime,
  startStandIn,
  testKafka,
} from '../support/test-fixtures';

describe('webhook replay from the archive (real Kafka, stand-in gateway)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let codec: EventCodec;
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  let gateway: Awaited<ReturnType<typeof startStandIn>>;
  const archive = randomName('ops-archive');
  const base = recentRecordTime();
  const lines: string[] = [];
  const progress = (label: string, total?: number) => new Progress(label, total, (line) => lines.push(line));

  function archived(deliveryId: string, minute: number, source: 'shopify' | 'clerk', topic: string): RawWebhookArchived {
    return {
      metadata: testEventMetadata('webhook.raw.archived', {
        eventId: deliveryId,
        occurredAt: base + minute * 60_000,
        receivedAt: base + minute * 60_000,
        source,
      }),
      source,
      deliveryId,
      topic,
      headers: { 'x-shopify-topic': topic },
      body: Buffer.from(JSON.stringify({ id: deliveryId })),
      bodySealedFor: null,
    };
  }

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    await codec.register([events.rawWebhookArchived]);
    ({ database, dataSource } = await operationsTestDatabase());
    await createTopics(admin, [archive]);
    const seeds = [
      archived('d-1', 0, 'shopify', 'orders/create'),
      archived('d-2', 10, 'shopify', 'orders/paid'),
      archived('d-3', 20, 'clerk', 'user.created'),
      archived('d-4', 30, 'shopify', 'orders/create'),
      archived('d-2', 11, 'shopify', 'orders/paid'),
    ];
    const partitionFor = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    // Archive records not in timestamp order would hide from a time range (Kafka's time index), so the junk comes first.
    await produce(kafka, archive, [{ partition: 0, key: 'junk', value: 'not avro', timestamp: base + 5 * 60_000 }]);
    for (const seed of seeds) {
      const partition = partitionFor({ topic: archive, partitionMetadata, message: { key: seed.deliveryId, value: null } });
      await produce(kafka, archive, [
        {
          partition,
          key: seed.deliveryId,
          value: await codec.encode(events.rawWebhookArchived, seed),
          timestamp: seed.metadata.receivedAt,
        },
      ]);
    }
    // Answers as the gateway does, reading each delivery at the position it is given in the archive.
    const archivedIdAt = new Map<string, string>();
    gateway = await startStandIn({
      'POST /admin/webhooks/replay': (request) => ({
        body: {
          results: (request.body as { archived: Array<{ partition: number; offset: string }> }).archived.map((archivedAt) => {
            const deliveryId = archivedIdAt.get(`${archivedAt.partition}:${archivedAt.offset}`) ?? null;
            return deliveryId === 'd-4'
              ? { archivedAt, deliveryId, status: 'failed', eventIds: [], publishedTo: [], error: 'mapping failed' }
              : {
                  archivedAt,
                  deliveryId,
                  status: 'published',
                  eventIds: [`e-${deliveryId}`],
                  publishedTo: [{ topic: 'shopify.orders.v1', partition: 0, offset: '1' }],
                };
          }),
        },
      }),
    });
    for (const found of (
      await findArchivedWebhooks(
        { kafka, admin, codec, progress },
        { from: new Date(base - 60_000), to: new Date(base + 60 * 60_000) },
        archive,
      )
    ).archived) {
      archivedIdAt.set(`${found.archivedAt.partition}:${found.archivedAt.offset}`, found.deliveryId);
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await admin?.deleteTopics({ topics: [archive] }).catch(() => undefined);
    await admin?.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  const deps = () => ({
    kafka,
    admin,
    codec,
    http: new AdminClient({ ...operationsSettings({ NODE_ENV: 'development' }).serviceUrls, gateway: gateway.url }, 'dev-admin-key'),
    database: dataSource,
    actor: 'alice',
    progress,
  });

  it('replays a time range once per delivery, filtered by source and topic, through the gateway', async () => {
    const outcome = await replayWebhooks(deps(), {
      selection: { from: new Date(base), to: new Date(base + 25 * 60_000), source: 'shopify' },
      archiveTopic: archive,
      batchSize: 1,
    });
    expect(outcome.deliveries.map((delivery) => delivery.deliveryId)).toEqual(['d-1', 'd-2']);
    expect(outcome.undecodable).toHaveLength(1);
    expect(outcome.failed).toBe(0);
    // Only positions are posted: the gateway reads the bodies from the archive itself.
    const posted = gateway.requests.map((request) => (request.body as { archived: unknown[] }).archived).flat();
    expect(posted).toEqual(
      outcome.deliveries.map((delivery) => ({ partition: delivery.archivedAt.partition, offset: delivery.archivedAt.offset })),
    );
    expect(JSON.stringify(gateway.requests.map((request) => request.body))).not.toContain(Buffer.from('{"id":"d-1"}').toString('base64'));
    expect(outcome.results.map((result) => result.deliveryId)).toEqual(['d-1', 'd-2']);
    expect(gateway.requests[0].headers.authorization).toBe('Bearer dev-admin-key');
    expect(lines.some((line) => /^replaying webhooks: 2\/2 \(.*\/s/.test(line))).toBe(true);
    expect(
      (
        await replayWebhooks(deps(), {
          selection: { from: new Date(base), to: new Date(base + 60 * 60_000), topic: 'user.created' },
          archiveTopic: archive,
          dryRun: true,
        })
      ).deliveries.map((delivery) => delivery.deliveryId),
    ).toEqual(['d-3']);
  });

  it('replays by delivery id, reports failures and ids not archived, and audits', async () => {
    gateway.requests.length = 0;
    const outcome = await replayWebhooks(deps(), { selection: { deliveryIds: ['d-4', 'd-9'] }, archiveTopic: archive });
    expect(outcome.results).toEqual([
      {
        archivedAt: { partition: outcome.deliveries[0].archivedAt.partition, offset: outcome.deliveries[0].archivedAt.offset },
        deliveryId: 'd-4',
        status: 'failed',
        eventIds: [],
        publishedTo: [],
        error: 'mapping failed',
      },
    ]);
    expect(outcome.failed).toBe(1);
    expect(outcome.missing).toEqual(['d-9']);
    const audit = await listOperatorActions(dataSource, { action: 'webhooks.replay' });
    expect(audit.map((row) => row.outcome)).toEqual(['succeeded', 'dry_run', 'succeeded']);
    expect(audit[0].parameters).toMatchObject({ deliveryIds: ['d-4', 'd-9'] });
  });

  it('asks before replaying, with what it found, and replays nothing when declined', async () => {
    gateway.requests.length = 0;
    const asked: string[][] = [];
    const declined = replayWebhooks(
      { ...deps(), actor: 'grace', confirm: async (plan) => (asked.push(plan.deliveries.map((delivery) => delivery.deliveryId)), false) },
      { selection: { deliveryIds: ['d-1', 'd-2'] }, archiveTopic: archive },
    );
    await expect(declined).rejects.toMatchObject({ code: 'operations.refused' });
    expect(asked).toEqual([['d-1', 'd-2']]);
    expect(gateway.requests).toEqual([]);
    const confirmed = await replayWebhooks(
      { ...deps(), actor: 'grace', confirm: async () => true },
      { selection: { deliveryIds: ['d-1', 'd-2'] }, archiveTopic: archive },
    );
    expect(confirmed.results.map((result) => result.deliveryId)).toEqual(['d-1', 'd-2']);
    expect((await listOperatorActions(dataSource, { actor: 'grace' })).map((row) => row.outcome)).toEqual(['succeeded', 'refused']);
  });

  it('a dry run posts nothing', async () => {
    gateway.requests.length = 0;
    const outcome = await replayWebhooks(deps(), { selection: { deliveryIds: ['d-1'] }, archiveTopic: archive, dryRun: true });
    expect(outcome.found).toBe(1);
    expect(gateway.requests).toEqual([]);
  });
});
