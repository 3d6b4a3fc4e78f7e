import { DataSource } from 'typeorm';
import { TopicDefinition } from '@consign/contracts';
import { EventPublisher, PublishedRecord } from '@consign/kafka';
import { DeliveryStore } from './delivery-store';

export interface SpoolRelayOptions {
  dataSource: DataSource;
  store: DeliveryStore;
  publisher: EventPublisher;
  topics: TopicDefinition[];
  intervalMs?: number;
  onDrained?: (count: number) => void;
  onError?: (error: Error) => void;
}

/**
 * Drains the spool to Kafka in arrival order, one delivery at a time, once Kafka is reachable
 * again. One replica drains at a time (advisory lock), which keeps the order. A delivery is removed
 * from the spool only after Kafka acknowledged all its records.
 */
export class SpoolRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly topics: Map<string, TopicDefinition>;

  constructor(private readonly options: SpoolRelayOptions) {
    this.topics = new Map(options.topics.map((topic) => [topic.name, topic]));
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const drained = await this.drainOnce();
        if (drained > 0) this.options.onDrained?.(drained);
      } catch (error) {
        this.options.onError?.(error as Error);
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs ?? 500));
    }
  }

  private async drainOnce(): Promise<number> {
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query("SELECT pg_try_advisory_lock(hashtext('gateway-spool-relay')) AS locked")) as { locked: boolean }[];
      if (!locked) return 0;
      try {
        let drained = 0;
        while (this.running) {
          const rows = await this.options.store.oldestSpooled(50);
          if (rows.length === 0) break;
          for (const row of rows) {
            const publishedTo: PublishedRecord[] = await Promise.all(
              row.records.map((record) => {
                const topic = this.topics.get(record.topic);
                if (!topic) throw new Error(`spooled record for unknown topic ${record.topic}`);
                return this.options.publisher.publishRaw(topic, { key: record.key, value: Buffer.from(record.value, 'base64'), headers: record.headers });
              }),
            );
            await this.options.store.drained(row.id, row.deliveryKey, publishedTo);
            drained += 1;
          }
        }
        return drained;
      } finally {
        await runner.query("SELECT pg_advisory_unlock(hashtext('gateway-spool-relay'))");
      }
    } finally {
      await runner.release();
    }
  }
}
