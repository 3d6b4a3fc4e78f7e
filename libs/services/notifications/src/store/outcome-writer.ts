import type { DataSource, EntityManager } from 'typeorm';
import type { PlatformEvent } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { recordNotificationOutcomes, type NotificationOutcome } from './notification-log';

/** Appends the events to the app's outbox, inside the transaction that records the outcome. */
export type PublishEvents = (manager: EntityManager, events: PlatformEvent[]) => Promise<void>;

/** How one attempt ended: its log row's change and the NotificationSent/NotificationFailed that says so. */
export interface AttemptRecord {
  outcome: NotificationOutcome;
  event: PlatformEvent;
}

/** Records the attempts' outcomes and their events in one transaction: both or neither. */
export async function writeAttemptRecords(
  dataSource: DataSource,
  publish: PublishEvents,
  records: readonly AttemptRecord[],
): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await recordNotificationOutcomes(
      manager,
      records.map((record) => record.outcome),
    );
    await publish(
      manager,
      records.map((record) => record.event),
    );
  });
}

export interface NotificationOutcomeWriterOptions {
  dataSource: DataSource;
  /** The outbox the events go to (EventServiceContext.publish). */
  publish: PublishEvents;
  /** Most attempts per transaction (default 200), so that one transaction and its statements stay small. */
  maxBatch?: number;
}

interface Waiting {
  record: AttemptRecord;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the outcomes of attempts that end about the same time (the consumer handles
 * several events at once): one transaction at a time takes everything waiting, and what arrives
 * while it commits goes into the next. An idle writer starts on the next turn of the event loop,
 * so a lone email waits for nobody. `write` resolves once the transaction holding the record has committed; if that
 * transaction fails, every record in it is rejected and written nowhere, as a failed write of a
 * single one was, and each caller's event is retried by the consumer.
 *
 * One per process: it writes through its own dataSource and publish, whatever the deps that
 * carry it say.
 */
export class NotificationOutcomeWriter {
  private readonly waiting: Waiting[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private transactions = 0;
  private records = 0;
  private readonly maxBatch: number;

  constructor(private readonly options: NotificationOutcomeWriterOptions) {
    this.maxBatch = options.maxBatch ?? 200;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1)
      throw new Error(`maxBatch must be a positive whole number, got ${this.maxBatch}`);
  }

  /** Resolves when the record is committed; rejects when its transaction failed, or the writer is closed. */
  write(record: AttemptRecord): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new PlatformError('the notification outcome writer is closed: the service is stopping', {
          code: 'notification.outcome_writer_closed',
          category: 'transient',
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Transactions run so far and the records they held: fewer transactions than records is what coalescing saved. */
  stats(): { transactions: number; records: number } {
    return { transactions: this.transactions, records: this.records };
  }

  /** Refuses new records and waits until the waiting ones are written (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Entered synchronously from write(): yielding once lets the records of attempts that ended in
    // the same turn of the event loop join the first transaction.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.transactions += 1;
      this.records += batch.length;
      try {
        await writeAttemptRecords(
          this.options.dataSource,
          this.options.publish,
          batch.map((waiting) => waiting.record),
        );
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    // Same synchronous run as the empty check above: no record can be pushed in between unseen.
    this.draining = undefined;
  }
}
