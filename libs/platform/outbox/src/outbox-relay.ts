import { DataSource } from 'typeorm';
import { TopicDefinition } from '@consign/contracts';
import { EventPublisher } from '@consign/kafka';
import { onOutboxCommit } from './outbox-commits';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  publisher: EventPublisher;
  /** The topics this service publishes to, for their partition counts. */
  topics: TopicDefinition[];
  /** Distinguishes this service's relay lock from other services sharing a server. */
  lockName: string;
  batchSize?: number;
  idleDelayMs?: number;
  /**
   * Least time between the starts of two looks (default 50 ms): commits in quick succession share
   * one, as a busy service's do, where a look each would cost a transaction and a produce apiece.
   */
  lookSpacingMs?: number;
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
 * Relays outbox rows to Kafka in id order. Each round (a batch) runs in one transaction that first
 * takes a transaction-scoped advisory lock: one relay per database relays at a time (others skip
 * the round), and a round's rows are marked before the lock passes on, which keeps records of one
 * key in order. Nothing outlives the transaction, so the relay works through a transaction-pooling
 * PgBouncer as on a direct connection. A row is marked published, and its payload emptied, only
 * after Kafka acknowledged it: a crash in between publishes it again, and consumers'
 * processed-event records absorb the repeat.
 *
 * A commit that added outbox rows through the relay's DataSource wakes it at once, whoever made it;
 * the idle poll finds the rows of other processes (another instance, ops-cli).
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private stopListening: (() => void) | undefined;
  private readonly topics: Map<string, TopicDefinition>;

  constructor(private readonly options: OutboxRelayOptions) {
    this.topics = new Map(options.topics.map((topic) => [topic.name, topic]));
  }

  /** False for a service that publishes nothing: there is then nothing to start. */
  get relaysAnything(): boolean {
    return this.topics.size > 0;
  }

  start(): void {
    this.running = true;
    this.stopListening = onOutboxCommit(this.options.dataSource, () => this.nudge());
    this.loop = this.run();
  }

  /**
   * Rows were just committed: the relay looks at once instead of at its next idle poll, which
   * takes an event's wait in the outbox from up to idleDelayMs to about one round.
   */
  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Relays everything pending now, in id order, until a round finds nothing or another relay holds the lock. */
  private async relayPending(): Promise<void> {
    // An idle poll costs one statement, not a transaction of four.
    const [pending] = (await this.options.dataSource.query('SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1')) as unknown[];
    if (!pending) return;
    while ((await this.relayRound()) > 0);
  }

  /** One batch under the lock; returns how many records were published (0 when another relay holds the lock). */
  private relayRound(): Promise<number> {
    return this.options.dataSource.transaction(async (manager) => {
      // Its own statement, before the read: the read's snapshot then sees what the previous holder committed.
      const [{ locked }] = (await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        `outbox-relay:${this.options.lockName}`,
      ])) as {
        locked: boolean;
      }[];
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query(
        'SELECT id, topic, record_key, payload, headers FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT $1',
        [this.options.batchSize ?? 500],
      );
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map((row) => {
          const topic = this.topics.get(row.topic);
          if (!topic) throw new Error(`outbox row ${row.id} names topic ${row.topic}, which this relay does not publish to`);
          return this.options.publisher.publishRaw(topic, { key: row.record_key, value: row.payload, headers: row.headers });
        }),
      );
      // The payload is on Kafka now and nothing reads it here again: it goes, with the personal data
      // some events carry (a consignor's name and address); the row stays for the event-id dedupe.
      await manager.query("UPDATE outbox_events SET published_at = now(), payload = ''::bytea WHERE id = ANY($1::bigint[])", [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let lookedAt = Number.NEGATIVE_INFINITY;
    while (this.running) {
      const wait = lookedAt + (this.options.lookSpacingMs ?? 50) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lookedAt = performance.now();
      this.nudged = false;
      try {
        await this.relayPending();
      } catch (error) {
        this.options.onError?.(error as Error);
      }
      // A nudge during the round may have come after its last read: look again at once.
      if (this.nudged) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.options.idleDelayMs ?? 200);
      });
      this.wake = undefined;
    }
  }

  /** Finishes the round in progress, so nothing acknowledged stays unmarked. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopListening?.();
    this.wake?.();
    await this.loop;
  }
}

/**
 * The relay of a service's outbox: to the topics of the events it publishes (each once), a failed
 * round logged as a warning and retried.
 */
export function createOutboxRelay(options: {
  dataSource: DataSource;
  publisher: EventPublisher;
  publishes: readonly { topic: TopicDefinition }[];
  lockName: string;
  logger: { warn(fields: object, message: string): void };
}): OutboxRelay {
  return new OutboxRelay({
    dataSource: options.dataSource,
    publisher: options.publisher,
    topics: [...new Map(options.publishes.map((event) => [event.topic.name, event.topic])).values()],
    lockName: options.lockName,
    onError: (error) => options.logger.warn({ err: error.message }, 'outbox relay round failed; retrying'),
  });
}
