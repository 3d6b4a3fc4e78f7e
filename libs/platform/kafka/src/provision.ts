import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { deadLetterTopic, events, maxRecordBytes, retryTopic, TopicDefinition, topics } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec } from './event-codec';

/** A setting of an existing topic that differs from the catalogue's. */
export interface TopicDrift {
  topic: string;
  setting: string;
  catalogue: string;
  actual: string;
}

export interface ProvisionReport {
  created: string[];
  existing: string[];
  /** Existing topics' settings that differ from the catalogue: reported, never changed silently. */
  drift: TopicDrift[];
}

function topicConfig(definition: TopicDefinition): Array<{ name: string; value: string }> {
  return [
    { name: 'retention.ms', value: String(definition.retentionMs) },
    { name: 'max.message.bytes', value: String(maxRecordBytes) },
    { name: 'cleanup.policy', value: definition.cleanupPolicy ?? 'delete' },
  ];
}

/** One line per drifted setting, for logs and the provision report. */
export function describeDrift(drift: TopicDrift[]): string[] {
  return drift.map(({ topic, setting, catalogue, actual }) => `${topic}: ${setting} is ${actual}, the catalogue says ${catalogue}`);
}

/**
 * Creates the catalogue's topics that do not exist yet and reports where existing ones differ from
 * it (partitions, retention, record size limit). It changes no existing topic: an operator may
 * have raised a retention during an incident, and a deploy must not undo that behind their back
 * (alignTopicSettings does it when asked). Running it on every start-up is harmless.
 */
export async function provisionTopics(kafka: Kafka, definitions: TopicDefinition[]): Promise<ProvisionReport> {
  return withAdmin(kafka, async (admin) => {
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
      drift: await topicDrift(admin, present),
    };
  });
}

/**
 * For an app that leaves topic creation to `npm run provision`: checks that every topic it uses
 * exists (a missing one is a dependency it waits for, named with the command to run) and reports
 * drift. Needs only describe rights.
 */
export async function verifyTopics(kafka: Kafka, definitions: TopicDefinition[]): Promise<ProvisionReport> {
  return withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = definitions.filter((definition) => !existing.has(definition.name)).map((definition) => definition.name);
    if (missing.length > 0) {
      throw new PlatformError(
        `Kafka lacks the topics ${missing.join(', ')}: run \`npm run provision\` (the deploy step) with admin credentials`,
        {
          code: 'kafka.topics_missing',
          category: 'dependency',
          details: { topics: missing },
        },
      );
    }
    return { created: [], existing: definitions.map((definition) => definition.name), drift: await topicDrift(admin, definitions) };
  });
}

/** Creates or only checks the topics, as the app's KAFKA_CREATE_TOPICS says. */
export function ensureTopics(kafka: Kafka, definitions: TopicDefinition[], options: { create: boolean }): Promise<ProvisionReport> {
  return options.create ? provisionTopics(kafka, definitions) : verifyTopics(kafka, definitions);
}

/**
 * Brings the drifted settings of `definitions` back to the catalogue's: what
 * `npm run provision -- --align-settings` does, on an operator's word. Partitions are never
 * changed, as that would move keys.
 */
export async function alignTopicSettings(kafka: Kafka, definitions: TopicDefinition[], drift: TopicDrift[]): Promise<string[]> {
  const drifted = new Set(drift.filter((entry) => entry.setting !== 'partitions').map((entry) => entry.topic));
  const toAlign = definitions.filter((definition) => drifted.has(definition.name));
  if (toAlign.length === 0) return [];
  return withAdmin(kafka, async (admin) => {
    // A full replacement of the topic's overrides: the catalogue's settings are the only ones the platform sets.
    await admin.alterConfigs({
      validateOnly: false,
      resources: toAlign.map((definition) => ({
        type: ConfigResourceTypes.TOPIC,
        name: definition.name,
        configEntries: topicConfig(definition),
      })),
    });
    return toAlign.map((definition) => definition.name);
  });
}

async function topicDrift(admin: Admin, definitions: TopicDefinition[]): Promise<TopicDrift[]> {
  if (definitions.length === 0) return [];
  const drift: TopicDrift[] = [];
  const metadata = await admin.fetchTopicMetadata({ topics: definitions.map((definition) => definition.name) });
  const partitions = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: definitions.map((definition) => ({
      type: ConfigResourceTypes.TOPIC,
      name: definition.name,
      configNames: topicConfig(definition).map((entry) => entry.name),
    })),
  });
  const current = new Map(
    described.resources.map((resource) => [
      resource.resourceName,
      new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    ]),
  );
  for (const definition of definitions) {
    const actualPartitions = partitions.get(definition.name);
    if (actualPartitions !== undefined && actualPartitions !== definition.partitions) {
      drift.push({
        topic: definition.name,
        setting: 'partitions',
        catalogue: String(definition.partitions),
        actual: String(actualPartitions),
      });
    }
    for (const entry of topicConfig(definition)) {
      const actual = current.get(definition.name)?.get(entry.name);
      if (actual !== entry.value)
        drift.push({ topic: definition.name, setting: entry.name, catalogue: entry.value, actual: actual ?? 'unset' });
    }
  }
  return drift;
}

async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * What `npm run provision` ensures: the catalogue's topics, the dead-letter and retry topics of
 * each consumer group, and every event schema with its compatibility rule.
 */
export async function provisionPlatform(
  kafka: Kafka,
  codec: EventCodec,
  consumerGroups: string[],
): Promise<ProvisionReport & { topics: TopicDefinition[]; schemas: Map<string, number> }> {
  const definitions = platformTopics(consumerGroups);
  const report = await provisionTopics(kafka, definitions);
  const schemas = await codec.register(Object.values(events));
  return { ...report, topics: definitions, schemas };
}

/** The catalogue's topics and, for each consumer group, its dead-letter and retry topics. */
export function platformTopics(consumerGroups: string[]): TopicDefinition[] {
  return [...Object.values(topics), ...consumerGroups.flatMap((group) => [deadLetterTopic(group), retryTopic(group)])];
}
