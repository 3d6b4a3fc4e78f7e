import { DataSource } from 'typeorm';
import { maxRecordBytes, TopicDefinition } from '@consign/contracts';
import { EventPublisher, RawRecord } from '@consign/kafka';
import { DeliveryStore, SpooledRecord } from './delivery-store';

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
 * Drains the spool to Kafka in arrival order, up to 100 deliveries (and 2 MiB) per round, once Kafka is
 * reachable again. One replica drains at a time (a transaction-scoped advisory lock), which keeps the order. A delivery is removed
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

  private topicOf(record: SpooledRecord): TopicDefinition {
    const topic = this.topics.get(record.topic);
    if (!topic) throw new Error(`spooled record for unknown topic ${record.topic}`);
    return topic;
  }

  /**
   * Drains while holding a transaction-scoped advisory lock in a transaction of its own, which ends
   * with the drain: nothing outlives it, so this works through a transaction-pooling PgBouncer as on
   * a direct connection. The store's reads and deletes run on other connections and commit before
   * the lock passes on, so the next holder reads what this one left.
   */
  private drainOnce(): Promise<number> {
    return this.options.dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query("SELECT pg_try_advisory_xact_lock(hashtext('gateway-spool-relay')) AS locked")) as {
        locked: boolean;
      }[];
      if (!locked) return 0;
      let drained = 0;
      while (this.running) {
        const rows = drainRound(await this.options.store.oldestSpooled(100));
        if (rows.length === 0) break;
        // One produce request, in spool order: if it fails, nothing later can overtake what is retried.
        const published = await this.options.publisher.publishAll(
          rows.flatMap((row) => row.records.map((record) => ({ topic: this.topicOf(record), record: recordOf(record) }))),
        );
        let next = 0;
        await this.options.store.drained(
          rows.map((row) => ({ id: row.id, deliveryKey: row.deliveryKey, publishedTo: row.records.map(() => published[next++]) })),
        );
        drained += rows.length;
      }
      return drained;
    });
  }
}

function recordOf(spooled: SpooledRecord): RawRecord {
  return { key: spooled.key, value: Buffer.from(spooled.value, 'base64'), headers: spooled.headers };
}

/**
 * The oldest spooled deliveries that fit in one produce request (half the record limit, as the
 * publisher's own batches), and always the oldest one: a round of large bodies must not exceed
 * what the broker takes, or the spool would never drain.
 */
export function drainRound<T extends { records: SpooledRecord[] }>(rows: T[], maxBytes = maxRecordBytes / 2): T[] {
  let bytes = 0;
  const round: T[] = [];
  for (const row of rows) {
    // Base64 holds 3 bytes in 4 characters.
    bytes += row.records.reduce((sum, record) => sum + (record.value.length * 3) / 4 + Buffer.byteLength(record.key), 0);
    if (round.length > 0 && bytes > maxBytes) break;
    round.push(row);
  }
  return round;
}
