import { Kafka } from 'kafkajs';

/**
 * Commits offsets for a consumer group that has no other members, as Kafka's own tool does: one
 * short-lived member joins, commits exactly these offsets (nothing automatic) and leaves.
 * kafkajs' admin.setOffsets commits through seeks whose commit can land after it returns, which
 * made resets race with the read-back.
 */
export async function commitGroupOffsets(
  kafka: Kafka,
  group: string,
  topic: string,
  offsets: Array<{ partition: number; offset: string }>,
): Promise<void> {
  // It fetches nothing it keeps, and leaving waits for the fetch in flight: a short fetch wait makes the leave prompt.
  const consumer = kafka.consumer({
    groupId: group,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    consumer.pause([{ topic }]);
    await joined;
    await consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic, partition, offset })));
  } finally {
    await consumer.disconnect();
  }
  // Returned only once the group is empty again, so what comes next (a read-back, Kafka's own tool,
  // the service rejoining) never meets this short-lived member.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { groups } = await admin.describeGroups([group]);
      if ((groups[0]?.members.length ?? 0) === 0) return;
      if (Date.now() >= deadline) throw new Error(`group ${group} still lists members 30 s after the offset commit`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
