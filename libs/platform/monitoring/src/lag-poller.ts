import { Admin, AssignerProtocol, GroupDescription } from 'kafkajs';
import { readerGroupPrefix } from '@consign/kafka';
import { heldRecords, partitionLag, resumeOffset } from './consumer-lag';
import { unconsumedRecordAgeMs } from './record-age';
import { deadLetterTopicOf, topicsReadBy, topicsWatchedFor } from './watched-topics';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Records the group has still to read (partitionLag). */
  records: number;
  /** Age of the oldest of them, 0 when there are none (unconsumedRecordAgeMs). */
  seconds: number;
}

/** What one poll found in Kafka. */
export interface LagSnapshot {
  polledAtMs: number;
  partitions: PartitionLag[];
  /** Records held in each watched group's dead-letter topic, for the groups that have one. */
  deadLetters: Array<{ group: string; records: number }>;
}

export interface LagPollerOptions {
  /** Groups always watched, even with no member and no commit: the platform's own. */
  groups: readonly string[];
  /** The topics whose consumer groups are watched; each group's own retry topic is added. */
  topics: readonly string[];
  /** How long a group found to read none of `topics` is left alone before it is looked at again. */
  recheckMs: number;
}

interface GroupReading {
  group: string;
  topics: string[];
  /** Committed offset by topic and partition; a partition without a commit is absent. */
  committed: Map<string, Map<number, string>>;
}

/**
 * Reads consumer lag from Kafka alone, through the admin API: it joins no group and commits
 * nothing, so it keeps reporting while the consumers are down. Watched are the configured groups
 * and any other consumer group found reading the watched topics (a projection rebuilt under a new
 * group name, decision 0022); operator tools' reader groups are left out.
 */
export class ConsumerLagPoller {
  private readonly configured: Set<string>;
  private readonly discovered = new Set<string>();
  /** Groups that read none of the watched topics, with when to look at them again. */
  private readonly ignoredUntil = new Map<string, number>();
  /**
   * When the record at each offset the last poll searched was stamped (`topic/partition@offset`):
   * a group still stuck at the same record costs no search the next poll.
   */
  private stamps = new Map<string, number>();

  constructor(private readonly options: LagPollerOptions) {
    this.configured = new Set(options.groups);
  }

  async poll(admin: Admin, nowMs = Date.now()): Promise<LagSnapshot> {
    const existing = new Set(await admin.listTopics());
    const candidates = await this.candidateGroups(admin, nowMs);
    const readings = await readGroups(admin, [...this.configured, ...this.discovered, ...candidates], (group) =>
      topicsWatchedFor(group, this.options.topics).filter((topic) => existing.has(topic)),
    );
    for (const reading of readings.filter((entry) => candidates.includes(entry.group))) {
      // Reading its own retry topic alone does not make a group one of the platform's.
      if (reading.topics.some((topic) => this.options.topics.includes(topic))) this.discovered.add(reading.group);
      else this.ignoredUntil.set(reading.group, nowMs + this.options.recheckMs);
    }
    const watched = readings.filter((reading) => this.configured.has(reading.group) || this.discovered.has(reading.group));
    const deadLetterTopics = new Map(
      watched
        .map(({ group }) => [group, deadLetterTopicOf(group)])
        .filter((entry): entry is [string, string] => entry[1] !== undefined && existing.has(entry[1])),
    );

    const topics = [...new Set([...watched.flatMap((reading) => reading.topics), ...deadLetterTopics.values()])];
    const watermarks = new Map(await Promise.all(topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)));
    const timeIndex = new TimeIndex(admin);
    const found = new Map<string, Promise<number>>();
    const stampOf = (topic: string, partition: number, offset: bigint): Promise<number> => {
      const key = `${topic}/${partition}@${offset}`;
      let stamp = found.get(key);
      if (stamp === undefined) {
        const known = this.stamps.get(key);
        stamp =
          known !== undefined
            ? Promise.resolve(known)
            : unconsumedRecordAgeMs(offset, nowMs, (timestampMs) => timeIndex.firstOffsetFrom(topic, partition, timestampMs)).then(
                (ageMs) => nowMs - ageMs,
              );
        found.set(key, stamp);
      }
      return stamp;
    };
    const partitions = await Promise.all(
      watched.flatMap(({ group, topics: read, committed }) =>
        read.flatMap((topic) =>
          (watermarks.get(topic) ?? []).map(async ({ partition, low, high }): Promise<PartitionLag> => {
            const commit = committed.get(topic)?.get(partition) ?? null;
            const records = partitionLag(commit, high, low);
            const ageMs = records === 0 ? 0 : nowMs - (await stampOf(topic, partition, resumeOffset(commit, low)));
            return { group, topic, partition, records, seconds: ageMs / 1000 };
          }),
        ),
      ),
    );
    this.stamps = new Map(await Promise.all([...found].map(async ([key, stamp]) => [key, await stamp] as const)));
    return {
      polledAtMs: nowMs,
      partitions,
      deadLetters: [...deadLetterTopics].map(([group, topic]) => ({ group, records: heldRecords(watermarks.get(topic) ?? []) })),
    };
  }

  /** Listed consumer groups not watched yet and not known to read other topics only; forgets groups that are gone. */
  private async candidateGroups(admin: Admin, nowMs: number): Promise<string[]> {
    const { groups } = await admin.listGroups();
    // Groups that only hold committed offsets (never joined) have no protocol type.
    const listed = new Set(
      groups
        .filter(
          ({ groupId, protocolType }) => (protocolType === 'consumer' || protocolType === '') && !groupId.startsWith(readerGroupPrefix),
        )
        .map(({ groupId }) => groupId),
    );
    for (const group of this.discovered) if (!listed.has(group)) this.discovered.delete(group);
    for (const group of this.ignoredUntil.keys()) if (!listed.has(group)) this.ignoredUntil.delete(group);
    return [...listed]
      .filter((group) => !this.configured.has(group) && !this.discovered.has(group) && (this.ignoredUntil.get(group) ?? 0) <= nowMs)
      .sort();
  }
}

/** Each group's topics among those watched for it, with its commits on them. */
async function readGroups(admin: Admin, groups: string[], watchedFor: (group: string) => string[]): Promise<GroupReading[]> {
  if (groups.length === 0) return [];
  const { groups: described } = await admin.describeGroups(groups);
  const subscriptions = new Map(described.map((description) => [description.groupId, subscribedTopics(description)]));
  return Promise.all(
    groups.map(async (group) => {
      const watched = watchedFor(group);
      const offsets = watched.length === 0 ? [] : await admin.fetchOffsets({ groupId: group, topics: watched });
      // kafkajs reports a partition without a commit as offset -1.
      const committed = new Map(
        offsets.map(({ topic, partitions }) => [
          topic,
          new Map(partitions.filter(({ offset }) => BigInt(offset) >= 0n).map(({ partition, offset }) => [partition, offset])),
        ]),
      );
      const committedTopics = [...committed].filter(([, byPartition]) => byPartition.size > 0).map(([topic]) => topic);
      return { group, topics: topicsReadBy(subscriptions.get(group) ?? [], committedTopics, watched), committed };
    }),
  );
}

function subscribedTopics(description: GroupDescription): string[] {
  return description.members.flatMap((member) => {
    try {
      return member.memberMetadata.length > 0 ? (AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? []) : [];
    } catch {
      // Another client's protocol: its commits still say what it reads.
      return [];
    }
  });
}

/**
 * Kafka's time index, asked at most once per topic and timestamp in a poll: one answer covers
 * every partition of the topic, and the age searches of all partitions and groups ask the same
 * timestamps (unconsumedRecordAgeMs).
 */
class TimeIndex {
  private readonly answers = new Map<string, Promise<Map<number, bigint>>>();

  constructor(private readonly admin: Admin) {}

  async firstOffsetFrom(topic: string, partition: number, timestampMs: number): Promise<bigint> {
    const key = `${topic}@${timestampMs}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.admin
        .fetchTopicOffsetsByTimestamp(topic, timestampMs)
        .then((offsets) => new Map(offsets.map(({ partition: number, offset }) => [number, BigInt(offset)])));
      this.answers.set(key, answer);
    }
    const offset = (await answer).get(partition);
    if (offset === undefined) throw new Error(`${topic} has no partition ${partition} in Kafka's answer`);
    return offset;
  }
}
