import { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { TopicDefinition } from '@consign/contracts';
import { toPlatformError } from '@consign/errors';
import { EventCodec } from './event-codec';

export interface ConsumedEvent<TValue> {
  value: TValue;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
}

export interface EventConsumerOptions<TValue> {
  groupId: string;
  topics: TopicDefinition[];
  handle: (event: ConsumedEvent<TValue>) => Promise<void>;
  onError?: (error: Error, event: { topic: string; partition: number; offset: string }) => void;
}

/**
 * Consumes events in partition order and commits an offset only after the handler has returned,
 * that is, after its effect is durable.
 */
export class EventConsumer<TValue> {
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, private readonly codec: EventCodec, private readonly options: EventConsumerOptions<TValue>) {
    this.consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics.map((topic) => topic.name), fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachMessage: (payload) => this.process(payload) });
  }

  private async process({ topic, partition, message }: EachMessagePayload): Promise<void> {
    try {
      const { value } = await this.codec.decode<TValue>(message.value);
      await this.options.handle({
        value,
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        headers: decodeHeaders(message.headers),
      });
    } catch (error) {
      this.options.onError?.(toPlatformError(error), { topic, partition, offset: message.offset });
      throw error;
    }
    await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function decodeHeaders(headers: EachMessagePayload['message']['headers']): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) decoded[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return decoded;
}
