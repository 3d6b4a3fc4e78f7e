import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { events } from '@consign/contracts';
import { deadLetterHeaders, EventCodec } from '@consign/kafka';
import { readTopic, sampleOrderCreated, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { listOperatorActions, Progress, listDeadLetters, purgeDeadLetters, redriveDeadLetters, showDeadLetter } from '@consign/operations';
import { topicWatermarks } from '@consign/kafka';
import { createTopics, operationsTestDatabase, produce, randomName, testKafka } from '../support/test-fixtures';

describe('dead letters (real Kafka, seeded dead-letter topic)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let codec: EventCodec;
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  const group = randomName('ops-dlq-test');
  const deadLetters = `deadletter.${group}.v1`;
  const original = randomName('ops-original');
  const progressLines: string[] = [];
  const progress = (label: string, total?: number) => new Progress(label, total, (line) => progressLines.push(line));
  const event = sampleOrderCreated();
  let ids: { invalid: string; poison: string; transient: string };
  const seededAt = Date.now();

  function failureHeaders(overrides: Record<string, string>): Record<string, string> {
    return {
      'event-type': 'shopify.order.created',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      [deadLetterHeaders.topic]: original,
      [deadLetterHeaders.group]: group,
      [deadLetterHeaders.attempts]: '1',
      [deadLetterHeaders.firstFailureAt]: new Date(seededAt).toISOString(),
      [deadLetterHeaders.lastFailureAt]: new Date(seededAt).toISOString(),
      ...overrides,
    };
  }

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    await codec.register([events.shopifyOrderCreated]);
    ({ database, dataSource } = await operationsTestDatabase());
    await createTopics(admin, [deadLetters, original]);
    const value = await codec.encode(events.shopifyOrderCreated, event);
    const [transient] = await produce(kafka, deadLetters, [
      {
        partition: 2,
        key: 'order-0',
        value,
        timestamp: seededAt - 3_600_000,
        headers: failureHeaders({
          [deadLetterHeaders.partition]: '0',
          [deadLetterHeaders.offset]: '3',
          [deadLetterHeaders.category]: 'transient',
          [deadLetterHeaders.code]: 'db.deadlock',
          [deadLetterHeaders.message]: 'deadlock detected',
          [deadLetterHeaders.attempts]: '5',
        }),
      },
    ]);
    const [invalid] = await produce(kafka, deadLetters, [
      {
        partition: 1,
        key: event.order.id,
        value,
        timestamp: seededAt,
        headers: failureHeaders({
          [deadLetterHeaders.partition]: '1',
          [deadLetterHeaders.offset]: '7',
          [deadLetterHeaders.category]: 'invalid',
          [deadLetterHeaders.code]: 'inventory.unknown_variant',
          [deadLetterHeaders.message]: 'variant 42 is unknown',
        }),
      },
    ]);
    const [poison] = await produce(kafka, deadLetters, [
      {
        partition: 0,
        key: 'order-2',
        value: Buffer.from('not avro at all'),
        timestamp: seededAt + 1000,
        headers: failureHeaders({
          [deadLetterHeaders.partition]: '2',
          [deadLetterHeaders.offset]: '9',
          [deadLetterHeaders.category]: 'poison',
          [deadLetterHeaders.code]: 'contracts.not_wire_format',
          [deadLetterHeaders.message]: 'record is not in the Confluent wire format',
        }),
      },
    ]);
    ids = { transient: `${deadLetters}:2:${transient}`, invalid: `${deadLetters}:1:${invalid}`, poison: `${deadLetters}:0:${poison}` };
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: [deadLetters, original, `retry.${group}.v1`] }).catch(() => undefined);
    await admin?.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  const reading = () => ({ kafka, admin, database: dataSource, progress });

  it("lists a group's dead letters oldest first, filtered by category, time and limit, with progress", async () => {
    const all = await listDeadLetters(reading(), { group });
    expect(all.deadLetters.map((entry) => entry.id)).toEqual([ids.transient, ids.invalid, ids.poison]);
    expect(all.deadLetters[1]).toMatchObject({
      group,
      category: 'invalid',
      code: 'inventory.unknown_variant',
      message: 'variant 42 is unknown',
      attempts: 1,
      original: { topic: original, partition: 1, offset: '7' },
      eventType: 'shopify.order.created',
      key: event.order.id,
      redrives: [],
    });
    expect(all.deadLetters[1].headers).not.toHaveProperty(deadLetterHeaders.topic);
    expect(progressLines.at(-1)).toMatch(/^reading dead letters: 3\/3 \(/);
    expect((await listDeadLetters(reading(), { group, category: 'poison' })).deadLetters.map((entry) => entry.id)).toEqual([ids.poison]);
    expect((await listDeadLetters(reading(), { group, since: new Date(seededAt - 60_000) })).deadLetters.map((entry) => entry.id)).toEqual([
      ids.invalid,
      ids.poison,
    ]);
    expect((await listDeadLetters(reading(), { group, limit: 1 })).deadLetters.map((entry) => entry.id)).toEqual([ids.poison]);
  }, 120_000);

  it('finds every dead-letter topic when no group is given', async () => {
    const all = await listDeadLetters(reading(), { since: new Date(seededAt - 60_000), category: 'poison', limit: 100_000 });
    expect(all.deadLetters.map((entry) => entry.id)).toContain(ids.poison);
  });

  it('shows one decoded, and poison as a byte preview', async () => {
    const shown = await showDeadLetter({ kafka, admin, codec, database: dataSource }, ids.invalid);
    expect(shown.payload).toMatchObject({
      decoded: true,
      value: { order: { id: event.order.id }, metadata: { eventId: event.metadata.eventId } },
    });
    expect(shown.headers.traceparent).toBeDefined();
    const poison = await showDeadLetter({ kafka, admin, codec, database: dataSource }, ids.poison);
    expect(poison.payload).toEqual({
      decoded: false,
      error: 'record is not in the Confluent wire format',
      preview: {
        size: 15,
        hex: Buffer.from('not avro at all').toString('hex'),
        base64: Buffer.from('not avro at all').toString('base64'),
        truncated: false,
      },
    });
    await expect(showDeadLetter({ kafka, admin, codec, database: dataSource }, `${original}:0:0`)).rejects.toThrow(
      'not a dead-letter topic',
    );
    await expect(showDeadLetter({ kafka, admin, codec, database: dataSource }, `${deadLetters}:1:99`)).rejects.toThrow('holds offsets');
  });

  it("redrives once to the group's own retry topic, never to the original one, refuses a second time, and audits each", async () => {
    const dry = await redriveDeadLetters({ ...reading(), actor: 'alice' }, { ids: [ids.invalid], dryRun: true });
    expect(dry.results).toEqual([{ id: ids.invalid, status: 'would_redrive', original: { topic: original, partition: 1, offset: '7' } }]);
    expect((await topicWatermarks(admin, original)).map((entry) => entry.high)).toEqual(['0', '0', '0']);

    const first = await redriveDeadLetters({ ...reading(), actor: 'alice' }, { ids: [ids.invalid] });
    const retries = `retry.${group}.v1`;
    expect(first.results).toEqual([
      {
        id: ids.invalid,
        status: 'redriven',
        original: { topic: original, partition: 1, offset: '7' },
        redrivenTo: { topic: retries, partition: expect.any(Number), offset: '0' },
      },
    ]);
    // The other groups reading the original topic see nothing.
    expect((await topicWatermarks(admin, original)).map((entry) => entry.high)).toEqual(['0', '0', '0']);
    const [redriven] = await readTopic(testEndpoints().kafkaBrokers, retries, 1);
    expect(redriven.partition).toBe(first.results[0].redrivenTo?.partition);
    expect(redriven.key).toBe(event.order.id);
    expect((await codec.decode(redriven.value)).value).toEqual(event);
    expect(redriven.headers).toMatchObject({ 'event-type': 'shopify.order.created', 'redriven-from': ids.invalid, 'redriven-by': 'alice' });
    expect(Object.keys(redriven.headers).filter((name) => name.startsWith('dlq.'))).toEqual([]);

    await expect(redriveDeadLetters({ ...reading(), actor: 'bob' }, { ids: [ids.invalid] })).rejects.toThrow(
      /refused: already redriven: .*--force/,
    );
    const forced = await redriveDeadLetters({ ...reading(), actor: 'bob' }, { ids: [ids.invalid], force: true });
    expect(forced.results[0]).toMatchObject({
      status: 'redriven',
      redrivenTo: { topic: retries, partition: first.results[0].redrivenTo?.partition, offset: '1' },
    });

    const listed = await listDeadLetters(reading(), { group, category: 'invalid' });
    expect(listed.deadLetters[0].redrives.map((redrive) => [redrive.redrivenBy, redrive.forced])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
    const audit = await listOperatorActions(dataSource, { action: 'deadletters.redrive' });
    expect(audit.map((row) => [row.actor, row.outcome])).toEqual([
      ['bob', 'succeeded'],
      ['bob', 'refused'],
      ['alice', 'succeeded'],
      ['alice', 'dry_run'],
    ]);
  }, 120_000);

  it('redrives --all of a selection, skipping those already redriven, once confirmed', async () => {
    const asked: Array<{ deadLetters: string[]; alreadyRedriven: string[] }> = [];
    const declined = redriveDeadLetters(
      {
        ...reading(),
        actor: 'carol',
        confirm: async (plan) => (
          asked.push({ deadLetters: plan.deadLetters.map((entry) => entry.id), alreadyRedriven: plan.alreadyRedriven }),
          false
        ),
      },
      { all: { group, since: new Date(seededAt - 60_000) } },
    );
    await expect(declined).rejects.toMatchObject({ code: 'operations.refused' });
    expect(asked).toEqual([{ deadLetters: [ids.poison], alreadyRedriven: [ids.invalid] }]);
    expect((await listOperatorActions(dataSource, { actor: 'carol' })).map((row) => row.outcome)).toEqual(['refused']);
    expect((await listDeadLetters(reading(), { group, category: 'poison' })).deadLetters[0].redrives).toEqual([]);

    const { results } = await redriveDeadLetters(
      { ...reading(), actor: 'carol', confirm: async () => true },
      { all: { group, since: new Date(seededAt - 60_000) } },
    );
    expect(results.map((result) => [result.id, result.status])).toEqual([
      [ids.invalid, 'already_redriven'],
      [ids.poison, 'redriven'],
    ]);
  });

  it('purges only with confirmation, up to the given point', async () => {
    const plan = await purgeDeadLetters({ admin, database: dataSource, actor: 'dave' }, { group, confirmed: false });
    expect(plan).toMatchObject({ topic: deadLetters, total: 3, applied: false });
    expect((await topicWatermarks(admin, deadLetters)).map((entry) => entry.low)).toEqual(['0', '0', '0']);

    const byTime = await purgeDeadLetters(
      { admin, database: dataSource, actor: 'dave' },
      { group, before: { at: new Date(seededAt - 60_000) }, confirmed: true },
    );
    expect(byTime).toMatchObject({ total: 1, applied: true });
    expect((await topicWatermarks(admin, deadLetters)).map((entry) => entry.low)).toEqual(['0', '0', '1']);
    expect((await listDeadLetters(reading(), { group })).deadLetters.map((entry) => entry.id)).toEqual([ids.invalid, ids.poison]);

    await purgeDeadLetters({ admin, database: dataSource, actor: 'dave' }, { group, before: { offset: '1' }, confirmed: true });
    expect((await topicWatermarks(admin, deadLetters)).map((entry) => entry.low)).toEqual(['1', '1', '1']);
    expect((await listOperatorActions(dataSource, { action: 'deadletters.purge' })).map((row) => row.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'dry_run',
    ]);
    await expect(showDeadLetter({ kafka, admin, codec, database: dataSource }, `${deadLetters}:2:0`)).rejects.toThrow(
      `${deadLetters}:2 is empty: it holds no records (offsets below 1 were deleted or expired)`,
    );
  });

  it('says a partition that never held a dead letter is empty, not which offsets it holds', async () => {
    const empty = `deadletter.${randomName('ops-dlq-empty')}.v1`;
    await createTopics(admin, [empty], 1);
    try {
      await expect(showDeadLetter({ kafka, admin, codec, database: dataSource }, `${empty}:0:0`)).rejects.toMatchObject({
        code: 'kafka.no_such_record',
        message: `${empty}:0 is empty: it holds no records`,
      });
    } finally {
      await admin.deleteTopics({ topics: [empty] });
    }
  });
});
