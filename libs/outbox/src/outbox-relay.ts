import { DataSource, QueryRunner } from 'typeorm';
import { TopicDefinition } from '@consign/contracts';
import { EventPublisher } from '@consign/kafka';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  publisher: EventPublisher;
  /** The topics this service publishes to, for their partition counts. */
  topics: TopicDefinition[];
  /** Distinguishes this service's relay lock from other services sharing a server. */
  lockName: string;
  batchSize?: number;
  idleDelayMs?: number;
  onError?: (error: Error) => void;
}

interface OutboxRow {
  id: string;
  topic: string;
  record_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Relays outbox rows to Kafka in id order. One relay per database holds an advisory lock (others
 * stand by), which keeps records of one key in order. A row is marked published, and its payload
 * emptied, only after Kafka acknowledged it: a crash in between publishes it again, and consumers'
 * processed-event records absorb the repeat.
 */
export class OutboxRelay {
  private runner: QueryRunner | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly topics: Map<string, TopicDefinition>;

  constructor(private readonly options: OutboxRelayOptions) {
    this.topics = new Map(options.topics.map((topic) => [topic.name, topic]));
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Relays everything pending now, in id order; returns how many records were published. */
  private async relayPending(): Promise<number> {
    const runner = this.runner ?? this.options.dataSource.createQueryRunner();
    let total = 0;
    for (;;) {
      const rows: OutboxRow[] = await runner.query(
        'SELECT id, topic, record_key, payload, headers FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT $1',
        [this.options.batchSize ?? 500],
      );
      if (rows.length === 0) break;
      await Promise.all(
        rows.map((row) => {
          const topic = this.topics.get(row.topic);
          if (!topic) throw new Error(`outbox row ${row.id} names topic ${row.topic}, which this relay does not publish to`);
          return this.options.publisher.publishRaw(topic, { key: row.record_key, value: row.payload, headers: row.headers });
        }),
      );
      // The payload is on Kafka now and nothing reads it here again: it goes, with the personal data
      // some events carry (a consignor's name and address); the row stays for the event-id dedupe.
      await runner.query("UPDATE outbox_events SET published_at = now(), payload = ''::bytea WHERE id = ANY($1::bigint[])", [rows.map((row) => row.id)]);
      total += rows.length;
    }
    if (!this.runner) await runner.release();
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.runner) await this.acquireLock();
        if (this.runner) await this.relayPending();
      } catch (error) {
        this.options.onError?.(error as Error);
        await this.releaseLock();
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.options.idleDelayMs ?? 200);
      });
    }
    await this.releaseLock();
  }

  private async acquireLock(): Promise<void> {
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`outbox-relay:${this.options.lockName}`])) as { locked: boolean }[];
    if (locked) this.runner = runner;
    else await runner.release();
  }

  private async releaseLock(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    if (!runner) return;
    try {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`outbox-relay:${this.options.lockName}`]);
    } catch {
      // The connection is gone, and the lock with it.
    } finally {
      await runner.release();
    }
  }

  /** Finishes the round in progress (so nothing acknowledged stays unmarked) and releases the lock. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
