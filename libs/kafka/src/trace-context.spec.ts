import { randomUUID } from 'node:crypto';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Registry } from 'prom-client';
import { events, ShopifyOrderCreated } from '@consign/contracts';
import { sampleOrderCreated, testEndpoints, waitFor } from '@consign/test-support';
import { ConsumerMetrics, ConsumerRunner, createKafka, EventCodec, eventHeaders, EventPublisher, plainKafkaConnection, provisionTopics } from './index';
import { testTopic } from './testing/consumer-scenario';

/** W3C trace context crosses Kafka in headers: the handler runs inside the publisher's trace. */
const endpoints = testEndpoints();

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

afterAll(() => {
  context.disable();
  propagation.disable();
});

it('carries traceparent from the publishing context to the consuming handler', async () => {
  const kafka = createKafka({ clientId: 'trace-test', connection: plainKafkaConnection(endpoints.kafkaBrokers) });
  const codec = new EventCodec(endpoints.schemaRegistryUrl);
  await codec.register([events.shopifyOrderCreated]);
  const topic = testTopic('trace');
  await provisionTopics(kafka, [topic]);
  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const traceId = randomUUID().replace(/-/g, '');
  const parent = trace.setSpanContext(context.active(), { traceId, spanId: 'a1b2c3d4e5f60718', traceFlags: TraceFlags.SAMPLED, isRemote: false });
  const value = sampleOrderCreated();
  const headers = context.with(parent, () => eventHeaders(events.shopifyOrderCreated.type));
  expect(headers.traceparent).toBe(`00-${traceId}-a1b2c3d4e5f60718-01`);
  await publisher.publishRaw(topic, { key: value.order.id, value: await codec.encode(events.shopifyOrderCreated, value), headers });

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
  } finally {
    await runner.stop();
    await publisher.disconnect();
  }
}, 60_000);
