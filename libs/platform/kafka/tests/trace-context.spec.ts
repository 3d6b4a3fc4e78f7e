import { randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { events, ShopifyOrderCreated } from '@consign/contracts';
import { sampleOrderCreated, testEndpoints, waitFor } from '@consign/test-support';
import {
  ConsumerMetrics,
  ConsumerRunner,
  createKafka,
  EventCodec,
  eventHeaders,
  EventPublisher,
  plainKafkaConnection,
  provisionTopics,
} from '@consign/kafka';
import { testTopic } from './support/consumer-scenario';

/**
 * W3C trace context crosses Kafka in headers: each record's PRODUCER span is a child of the context
 * the record carries, and the consumer's span a child of the PRODUCER span.
 */
const endpoints = testEndpoints();
const exported = new InMemorySpanExporter();

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exported })] }));
});

afterAll(() => {
  context.disable();
  propagation.disable();
  trace.disable();
});

it('carries the trace from the publishing context through a PRODUCER span to the consuming handler', async () => {
  const kafka = createKafka({ clientId: 'trace-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
  const codec = new EventCodec(endpoints.schemaRegistryUrl);
  await codec.register([events.shopifyOrderCreated]);
  const topic = testTopic('trace');
  await provisionTopics(kafka, [topic]);
  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const traceId = randomUUID().replace(/-/g, '');
  const parent = trace.setSpanContext(context.active(), {
    traceId,
    spanId: 'a1b2c3d4e5f60718',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: false,
  });
  const value = sampleOrderCreated();
  const headers = context.with(parent, () => eventHeaders(events.shopifyOrderCreated.type));
  expect(headers.traceparent).toBe(`00-${traceId}-a1b2c3d4e5f60718-01`);
  const published = await publisher.publishRaw(topic, {
    key: value.order.id,
    value: await codec.encode(events.shopifyOrderCreated, value),
    headers,
  });

  const seen: string[] = [];
  const runner = new ConsumerRunner<ShopifyOrderCreated>(kafka, codec, {
    groupId: `trace-test-${randomUUID().slice(0, 8)}`,
    topics: [topic],
    publisher,
    metrics: new ConsumerMetrics(new Registry()),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    handle: async () => {
      seen.push(trace.getSpanContext(context.active())?.traceId ?? 'none');
    },
  });
  await runner.start();
  try {
    await waitFor('the event to be handled', async () => (seen.length > 0 ? true : undefined), 45_000);
    expect(seen).toEqual([traceId]);
    const spans = exported.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const send = spans.find((span) => span.name === `send ${topic.name}`);
    const process = spans.find((span) => span.name === `process ${topic.name}`);
    expect(send).toMatchObject({ kind: SpanKind.PRODUCER, parentSpanContext: expect.objectContaining({ spanId: 'a1b2c3d4e5f60718' }) });
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic.name,
      'messaging.destination.partition.id': String(published.partition),
      'messaging.kafka.offset': Number(published.offset),
      'consign.event_type': events.shopifyOrderCreated.type,
    });
    // The time in Kafka shows between the two: the consumer's span is the PRODUCER span's child.
    expect(process).toMatchObject({
      kind: SpanKind.CONSUMER,
      parentSpanContext: expect.objectContaining({ spanId: send?.spanContext().spanId }),
    });
  } finally {
    await runner.stop();
    await publisher.disconnect();
  }
}, 60_000);

it('gives each record of a run handled together its own span in its own trace, and runs what inSpan is given there', async () => {
  const kafka = createKafka({ clientId: 'trace-run-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
  const codec = new EventCodec(endpoints.schemaRegistryUrl);
  await codec.register([events.shopifyOrderCreated]);
  // One partition: the records arrive in one batch and form one run.
  const topic = { ...testTopic('trace-run'), partitions: 1 };
  await provisionTopics(kafka, [topic]);
  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const traceIds = [randomUUID(), randomUUID()].map((id) => id.replace(/-/g, ''));
  for (const traceId of traceIds) {
    const parent = trace.setSpanContext(context.active(), {
      traceId,
      spanId: 'a1b2c3d4e5f60718',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: false,
    });
    const value = sampleOrderCreated();
    await publisher.publishRaw(topic, {
      key: value.order.id,
      value: await codec.encode(events.shopifyOrderCreated, value),
      headers: context.with(parent, () => eventHeaders(events.shopifyOrderCreated.type)),
    });
  }

  const runs: number[] = [];
  const seen: string[] = [];
  const runner = new ConsumerRunner<ShopifyOrderCreated, undefined>(kafka, codec, {
    groupId: `trace-run-test-${randomUUID().slice(0, 8)}`,
    topics: [topic],
    publisher,
    metrics: new ConsumerMetrics(new Registry()),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    handle: async () => undefined,
    batch: {
      unitOfWork: (_events, applyAll) => applyAll(undefined),
      runs: {
        runOf: () => 'orders',
        handle: async (run, _unit, inSpan) => {
          runs.push(run.length);
          for (const event of run) inSpan(event, () => seen.push(trace.getSpanContext(context.active())?.traceId ?? 'none'));
        },
      },
    },
  });
  await runner.start();
  try {
    await waitFor('the run to be handled', async () => (seen.length >= 2 ? true : undefined), 45_000);
    expect(runs).toEqual([2]);
    expect(seen).toEqual(traceIds);
    for (const traceId of traceIds) {
      const spans = exported.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
      const send = spans.find((span) => span.name === `send ${topic.name}`);
      expect(spans.find((span) => span.name === `process ${topic.name}`)).toMatchObject({
        kind: SpanKind.CONSUMER,
        parentSpanContext: expect.objectContaining({ spanId: send?.spanContext().spanId }),
      });
    }
  } finally {
    await runner.stop();
    await publisher.disconnect();
  }
}, 60_000);
