import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { ShopifyOrderCreated } from '@consign/contracts';
import { testEndpoints, waitFor } from '@consign/test-support';
import { ConsumerMetrics, ConsumerRunner } from '@consign/kafka';
import { createTestPublisher, TestPublisher, testTopic } from './support/consumer-scenario';

/**
 * `readFirst` against the real broker: a group reads its reference topics to their end, as it was
 * at start, before the topics that refer to them (products before orders, in a rebuild).
 */
const endpoints = testEndpoints();
const references = testTopic('references');
const referring = testTopic('referring');
const publishers: TestPublisher[] = [];
const runners: Array<ConsumerRunner<ShopifyOrderCreated>> = [];

afterAll(async () => {
  for (const runner of runners) await runner.stop().catch(() => undefined);
  for (const publisher of publishers) await publisher.close();
});

async function publisherTo(topic: typeof references) {
  const publisher = await createTestPublisher({ brokers: endpoints.kafkaBrokers, registryUrl: endpoints.schemaRegistryUrl, topic });
  publishers.push(publisher);
  return publisher;
}

async function startRunner(groupId: string, seen: string[], logs: string[], readFirstPollMs = 100) {
  const { kafka, codec, publisher } = publishers[0] as Awaited<ReturnType<typeof createTestPublisher>>;
  const runner = new ConsumerRunner<ShopifyOrderCreated>(kafka, codec, {
    groupId,
    topics: [references, referring],
    readFirst: [references],
    readFirstPollMs,
    publisher,
    metrics: new ConsumerMetrics(new Registry()),
    logger: {
      info: (_fields, message) => logs.push(message),
      warn: (_fields, message) => logs.push(message),
      error: (_fields, message) => logs.push(message),
    },
    sessionTimeoutMs: 6000,
    handle: async ({ topic }) => {
      // The reference topic is the slower to apply: read side by side, the other would overtake it.
      if (topic === references.name) await new Promise((resolve) => setTimeout(resolve, 3));
      seen.push(topic);
    },
  });
  runners.push(runner);
  await runner.start();
  return runner;
}

it('applies every record of the reference topic, up to its end at start, before any record referring to it; then both flow', async () => {
  const referenceRecords = await publisherTo(references);
  const referringRecords = await publisherTo(referring);
  await referenceRecords.publishEvents(90);
  await referringRecords.publishEvents(90);
  const groupId = `reference-test-${randomUUID().slice(0, 8)}`;
  const seen: string[] = [];
  const logs: string[] = [];
  const runner = await startRunner(groupId, seen, logs);
  await waitFor('all 180 records applied', async () => (seen.length >= 180 ? true : undefined), 60_000);
  expect(seen.slice(0, 90)).toEqual(Array(90).fill(references.name));
  expect(logs).toEqual(
    expect.arrayContaining([
      'reading the reference topics to their end before the others',
      'reference topics read; the other topics go on',
    ]),
  );

  // Records arriving later on either topic are not held back.
  await referringRecords.publishEvents(5);
  await waitFor('the later records applied', async () => (seen.length >= 185 ? true : undefined), 30_000);

  // Started again with the references read, the group waits for nothing.
  await runner.stop();
  const again: string[] = [];
  const laterLogs: string[] = [];
  await startRunner(groupId, again, laterLogs);
  await referringRecords.publishEvents(5);
  await waitFor('records applied after the restart', async () => (again.length >= 5 ? true : undefined), 30_000);
  expect(laterLogs).not.toContain('reading the reference topics to their end before the others');
}, 120_000);

it('lets the others go as soon as its own commits reach the ends, without waiting for the poll of the group', async () => {
  const referenceRecords = await publisherTo(references);
  const referringRecords = await publisherTo(referring);
  await referenceRecords.publishEvents(30);
  await referringRecords.publishEvents(5);
  const groupId = `reference-own-${randomUUID().slice(0, 8)}`;
  const seen: string[] = [];
  const logs: string[] = [];
  // A poll that never comes within the test: only the member's own commits can let the others go.
  await startRunner(groupId, seen, logs, 600_000);
  await waitFor('the referring records applied', async () => (seen.includes(referring.name) ? true : undefined), 30_000);
  expect(logs).toContain('reference topics read; the other topics go on');
}, 60_000);
