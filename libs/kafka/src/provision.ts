import { Kafka } from 'kafkajs';
import { events, TopicDefinition, topics } from '@consign/contracts';
import { EventCodec } from './event-codec';

export interface ProvisionReport {
  created: string[];
  existing: string[];
}

/**
 * Creates the catalogue's topics that do not exist yet; existing topics are left as they are, so
 * running it on every start-up is harmless.
 */
export async function provisionTopics(kafka: Kafka, definitions: TopicDefinition[]): Promise<ProvisionReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = definitions.filter((definition) => !existing.has(definition.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((definition) => ({
          topic: definition.name,
          numPartitions: definition.partitions,
          replicationFactor: -1,
          configEntries: [{ name: 'retention.ms', value: String(definition.retentionMs) }],
        })),
      });
    }
    return {
      created: missing.map((definition) => definition.name),
      existing: definitions.filter((definition) => existing.has(definition.name)).map((definition) => definition.name),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Topics of the whole catalogue and every event schema (with its compatibility rule): what start-up and `npm run provision` ensure. */
export async function provisionPlatform(kafka: Kafka, codec: EventCodec): Promise<ProvisionReport & { schemas: Map<string, number> }> {
  const report = await provisionTopics(kafka, Object.values(topics));
  const schemas = await codec.register(Object.values(events));
  return { ...report, schemas };
}
