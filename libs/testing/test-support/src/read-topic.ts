import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning with a throwaway group until `expected` records arrived. */
export async function readTopic(brokers: string[], topic: string, expected: number, timeoutMs = 20_000): Promise<ReadRecord[]> {
  const consumer = new Kafka({ clientId: 'test-reader', brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `test-reader-${randomUUID()}`,
  });
  const seen: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(value);
        seen.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value ?? Buffer.alloc(0),
          headers,
        });
      },
    });
    return await waitFor(`${expected} records on ${topic}`, async () => (seen.length >= expected ? seen : undefined), timeoutMs);
  } finally {
    await consumer.disconnect();
  }
}
