import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { events, maxRecordBytes, TopicDefinition, topics } from '@consign/contracts';
import { EventCodec } from './event-codec';

export interface ProvisionReport {
  created: string[];
  existing: string[];
  /** Existing topics whose retention or record size limit was brought to the catalogue's. */
  reconfigured: string[];
}

function topicConfig(definition: TopicDefinition): Array<{ name: string; value: string }> {
  return [
    { name: 'retention.ms', value: String(definition.retentionMs) },
    { name: 'max.message.bytes', value: String(maxRecordBytes) },
  ];
}

/**
 * Creates the catalogue's topics that do not exist yet and brings the settings the catalogue owns
 * (retention, record size limit) of existing ones to its values; partitions are never changed, as
 * that would move keys. Running it on every start-up is harmless.
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
          configEntries: topicConfig(definition),
        })),
      });
    }
    const present = definitions.filter((definition) => existing.has(definition.name));
    return {
      created: missing.map((definition) => definition.name),
      existing: present.map((definition) => definition.name),
      reconfigured: await reconfigure(admin, present),
    };
  } finally {
    await admin.disconnect();
  }
}

async function reconfigure(admin: Admin, definitions: TopicDefinition[]): Promise<string[]> {
  if (definitions.length === 0) return [];
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: definitions.map((definition) => ({ type: ConfigResourceTypes.TOPIC, name: definition.name, configNames: topicConfig(definition).map((entry) => entry.name) })),
  });
  const current = new Map(described.resources.map((resource) => [resource.resourceName, new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue]))]));
  const outdated = definitions.filter((definition) => topicConfig(definition).some((entry) => current.get(definition.name)?.get(entry.name) !== entry.value));
  if (outdated.length > 0) {
    // A full replacement of the topic's overrides: the catalogue's settings are the only ones the platform sets.
    await admin.alterConfigs({
      validateOnly: false,
      resources: outdated.map((definition) => ({ type: ConfigResourceTypes.TOPIC, name: definition.name, configEntries: topicConfig(definition) })),
    });
  }
  return outdated.map((definition) => definition.name);
}

/** Topics of the whole catalogue and every event schema (with its compatibility rule): what start-up and `npm run provision` ensure. */
export async function provisionPlatform(kafka: Kafka, codec: EventCodec): Promise<ProvisionReport & { schemas: Map<string, number> }> {
  const report = await provisionTopics(kafka, Object.values(topics));
  const schemas = await codec.register(Object.values(events));
  return { ...report, schemas };
}
