import { randomUUID } from 'node:crypto';
import { Admin, Kafka, Producer } from 'kafkajs';
import { events, TenantConfigured, TopicDefinition, topics } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec, eventHeaders, readRanges, wholeTopic } from '@consign/kafka';
import { Tenant } from '../tenant';
import { tenantRecord } from '../tenant-record';
import { TenantSecretsKeys } from '../tenant-secrets';

/**
 * The tenant store: a compacted topic (`tenants.v1`) holding the latest record of each tenant under
 * its id, and a tombstone once it is removed (decision 0018). These read it whole and write to it;
 * the apps follow it with startTenantDirectory.
 */
export interface TenantStore {
  kafka: Kafka;
  admin: Admin;
  codec: EventCodec;
  /** The catalogue's `tenants.v1` unless told (tests use their own). */
  topic?: TopicDefinition;
}

/** The store as it is now: each tenant's latest record, by tenant id. */
export async function readTenantStore(store: TenantStore): Promise<Map<string, TenantConfigured>> {
  const topic = store.topic ?? topics.tenants;
  const records = new Map<string, TenantConfigured>();
  const pending: Array<{ key: string; value: Buffer | null }> = [];
  await readRanges(store.kafka, await wholeTopic(store.admin, topic.name), (record) => {
    if (record.key) pending.push({ key: record.key.toString('utf8'), value: record.value });
  });
  for (const { key, value } of pending) {
    if (value === null) records.delete(key);
    else records.set(key, (await store.codec.decode<TenantConfigured>(value)).value);
  }
  return records;
}

/** Writes a tenant's settings, its secrets sealed under the current key; answers once Kafka has them. */
export async function writeTenant(
  store: TenantStore,
  tenant: Tenant,
  keys: TenantSecretsKeys,
  correlationId: string,
): Promise<TenantConfigured> {
  const definition = { ...events.tenantConfigured, topic: store.topic ?? topics.tenants };
  const record = tenantRecord(tenant, keys, { eventId: randomUUID(), at: new Date(), correlationId });
  await store.codec.register([events.tenantConfigured]);
  await send(store, definition.topic, tenant.id, await store.codec.encode(definition, record));
  return record;
}

/** A tombstone: compaction then drops every record of the tenant, and the apps forget it. */
export async function removeTenant(store: TenantStore, tenantId: string): Promise<void> {
  await send(store, store.topic ?? topics.tenants, tenantId, null);
}

async function send(store: TenantStore, topic: TopicDefinition, key: string, value: Buffer | null): Promise<void> {
  const producer: Producer = store.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic: topic.name,
      acks: -1,
      messages: [{ key, value, headers: value ? eventHeaders(events.tenantConfigured.type) : {} }],
    });
  } catch (error) {
    throw new PlatformError(`Kafka did not acknowledge the change to tenant ${key} on ${topic.name}: ${(error as Error).message}`, {
      code: 'kafka.publish_failed',
      category: 'dependency',
      cause: error,
    });
  } finally {
    await producer.disconnect();
  }
}
