import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { events } from '@consign/contracts';
import { deadLetterHeaders, EventCodec, PublishedRecord, RawRecord } from '@consign/kafka';
import { TemporaryDatabase, testEndpoints } from '@consign/test-support';
import {
  listOperatorActions,
  AdminClient,
  operationsSettings,
  correctionValue,
  definitionOfType,
  publishCorrection,
  forceProcessing,
} from '@consign/operations';
import { createTopics, operationsTestDatabase, produce, randomName, startStandIn, testKafka } from '../support/test-fixtures';

const level = { inventoryItemId: '808950810', locationId: '905684977', available: 6, updatedAt: '2025-01-01T00:00:00-05:00' };

describe('correction events', () => {
  it('completes the metadata, with an id derived from the content', () => {
    const definition = definitionOfType('shopify.inventory_level.updated');
    const now = new Date('2025-02-02T00:00:00Z');
    const value = correctionValue(definition, { ...level, metadata: { tenantId: 'dev-store' } }, { now, correlationId: 'correction:1' });
    expect(value.metadata).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventType: 'shopify.inventory_level.updated',
      schemaVersion: 1,
      occurredAt: now.getTime(),
      receivedAt: now.getTime(),
      source: 'operator',
      tenantId: 'dev-store',
      shopifyWebhookId: null,
      shopifyEventId: null,
      svixMessageId: null,
      correlationId: 'correction:1',
      causationId: null,
    });
    const again = correctionValue(
      definition,
      { metadata: { tenantId: 'dev-store' }, ...level },
      { now: new Date(), correlationId: 'correction:2' },
    );
    expect((again.metadata as { eventId: string }).eventId).toBe((value.metadata as { eventId: string }).eventId);
    expect(
      correctionValue(
        definition,
        { ...level, metadata: { eventId: 'mine', occurredAt: '2025-01-01T00:00:00Z' } },
        { now, correlationId: 'c', tenantId: 't' },
      ).metadata,
    ).toMatchObject({ eventId: 'mine', occurredAt: Date.parse('2025-01-01T00:00:00Z'), tenantId: 't' });
    expect(() => correctionValue(definition, level, { now, correlationId: 'c' })).toThrow('needs its tenant');
    expect(() =>
      correctionValue(definition, { ...level, metadata: { eventType: 'other' } }, { now, correlationId: 'c', tenantId: 't' }),
    ).toThrow('metadata.eventType');
    expect(() => definitionOfType('no.such')).toThrow('unknown event type no.such');
  });

  describe('publishing (real registry, recording publisher, temporary database)', () => {
    let database: TemporaryDatabase;
    let dataSource: DataSource;
    const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    const sent: Array<{ topic: string; record: RawRecord }> = [];
    const publisher = {
      publishRaw: async (topic: { name: string }, record: RawRecord): Promise<PublishedRecord> => (
        sent.push({ topic: topic.name, record }),
        { topic: topic.name, partition: 2, offset: '41' }
      ),
    };

    beforeAll(async () => {
      ({ database, dataSource } = await operationsTestDatabase());
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await database?.drop();
    });

    it('validates against the schema, publishes to the catalogue topic under its key, and audits', async () => {
      const dry = await publishCorrection(
        { codec, publisher, database: dataSource, actor: 'alice' },
        { type: 'shopify.inventory_level.updated', document: level, tenantId: 'dev-store', dryRun: true },
      );
      expect(dry).toMatchObject({ topic: 'shopify.inventory.v1', key: '808950810' });
      expect(dry).not.toHaveProperty('published');
      expect(sent).toEqual([]);
      const done = await publishCorrection(
        { codec, publisher, database: dataSource, actor: 'alice' },
        { type: 'shopify.inventory_level.updated', document: level, tenantId: 'dev-store' },
      );
      expect(done.published).toEqual({ topic: 'shopify.inventory.v1', partition: 2, offset: '41' });
      expect(sent[0].topic).toBe('shopify.inventory.v1');
      expect(sent[0].record.key).toBe('808950810');
      expect(sent[0].record.headers).toMatchObject({ 'event-type': 'shopify.inventory_level.updated', 'corrected-by': 'alice' });
      expect((await codec.decode(sent[0].record.value as Buffer)).value).toEqual(done.value);
      await expect(
        publishCorrection(
          { codec, publisher, database: dataSource, actor: 'alice' },
          { type: 'shopify.inventory_level.updated', document: { ...level, available: 'many' }, tenantId: 'dev-store' },
        ),
      ).rejects.toThrow('does not match its schema');
      expect((await listOperatorActions(dataSource, { action: 'events.publish' })).map((row) => row.outcome)).toEqual([
        'failed',
        'succeeded',
        'dry_run',
      ]);
      expect(events.shopifyInventoryLevelUpdated.topic.name).toBe('shopify.inventory.v1');
    });
  });
});

describe('forced processing (real Kafka, stand-in service)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  let service: Awaited<ReturnType<typeof startStandIn>>;
  const group = randomName('ops-force');
  const deadLetters = `deadletter.${group}.v1`;
  let answer: { status?: number; body: unknown } = {
    body: {
      outcome: 'applied',
      eventId: 'e-1',
      eventType: 'shopify.order.created',
      processed: { topic: 'shopify.orders.v1', partition: 2, offset: '17' },
    },
  };

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    ({ database, dataSource } = await operationsTestDatabase());
    await createTopics(admin, [deadLetters]);
    await produce(kafka, deadLetters, [
      {
        partition: 1,
        key: 'order-1',
        value: Buffer.from([0, 1, 2]),
        headers: {
          'event-type': 'shopify.order.created',
          [deadLetterHeaders.topic]: 'shopify.orders.v1',
          [deadLetterHeaders.partition]: '2',
          [deadLetterHeaders.offset]: '17',
          [deadLetterHeaders.category]: 'invalid',
        },
      },
    ]);
    service = await startStandIn({ 'POST /admin/events/process': () => answer });
  });

  afterAll(async () => {
    await service?.close();
    await admin?.deleteTopics({ topics: [deadLetters] }).catch(() => undefined);
    await admin?.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  const deps = () => ({
    database: dataSource,
    actor: 'alice',
    http: new AdminClient(
      { ...operationsSettings({ NODE_ENV: 'development' }).serviceUrls, 'inventory-service': service.url },
      'dev-admin-key',
    ),
  });

  it("sends the dead letter's position, never its bytes, and reports where the service processed it", async () => {
    const outcome = await forceProcessing(deps(), {
      service: 'inventory-service',
      position: { topic: deadLetters, partition: 1, offset: '0' },
    });
    expect(service.requests[0].body).toEqual({ topic: deadLetters, partition: 1, offset: '0' });
    expect(outcome).toMatchObject({
      processed: { topic: 'shopify.orders.v1', partition: 2, offset: '17' },
      answer: { outcome: 'applied', eventId: 'e-1' },
    });
  });

  it('turns a problem answer into a readable failure by its code, audited', async () => {
    answer = { status: 422, body: { code: 'inventory.unknown_variant', detail: 'variant 42 is unknown', category: 'invalid' } };
    await expect(
      forceProcessing(deps(), { service: 'inventory-service', position: { topic: deadLetters, partition: 1, offset: '0' } }),
    ).rejects.toMatchObject({
      code: 'inventory.unknown_variant',
      message: `inventory-service could not process ${deadLetters}:1:0 (inventory.unknown_variant): variant 42 is unknown`,
    });
    expect((await listOperatorActions(dataSource, { action: 'events.process' })).map((row) => row.outcome)).toEqual([
      'failed',
      'succeeded',
    ]);
  });

  it("reports an unknown tenant as such, with the service's code, not as the 404 it travelled with", async () => {
    answer = {
      status: 404,
      body: {
        type: 'urn:consign-stream:problem:tenant.unknown',
        title: 'tenant.unknown',
        status: 404,
        code: 'tenant.unknown',
        detail: 'tenant shop-gone is not configured in this service (TENANTS or the tenant store)',
      },
    };
    const failure = await forceProcessing(deps(), {
      service: 'inventory-service',
      position: { topic: deadLetters, partition: 1, offset: '0' },
    }).catch((error: unknown) => error as Error & { code: string });
    expect(failure).toMatchObject({
      code: 'tenant.unknown',
      message: expect.stringMatching(
        /^unknown tenant: inventory-service does not know the tenant of .*:1:0 \(tenant\.unknown\): tenant shop-gone is not configured/,
      ),
    });
    expect(failure.message).not.toContain('404');
  });

  it('keeps the status of an answer that carries no problem code', async () => {
    answer = { status: 502, body: 'Bad Gateway' };
    await expect(
      forceProcessing(deps(), { service: 'inventory-service', position: { topic: deadLetters, partition: 1, offset: '0' } }),
    ).rejects.toMatchObject({ code: 'operations.service_refused', message: expect.stringContaining('answered 502') });
  });
});
