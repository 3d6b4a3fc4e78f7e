import { RequestBatcher } from '@consign/batching';
import { TopicDefinition } from '@consign/contracts';
import { isDatabaseOutage } from '@consign/database';
import { PlatformError } from '@consign/errors';
import { EventPublisher, PublishedRecord } from '@consign/kafka';
import { ClaimResult, DeliveryClaim, DeliveryStore, PublishedDelivery, SpooledRecord } from './delivery-store';

export interface OutgoingRecord {
  topic: TopicDefinition;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export type IntakeOutcome =
  | { status: 'published'; publishedTo: PublishedRecord[] }
  | { status: 'spooled' }
  | { status: 'duplicate'; duplicateOf: string }
  | { status: 'published_without_dedupe'; publishedTo: PublishedRecord[] };

export interface WebhookIntakeOptions {
  store: DeliveryStore;
  publisher: EventPublisher;
  /** How long a request waits for Kafka's acknowledgement before spooling instead. */
  publishTimeoutMs: number;
  /**
   * How long a claim waits for others to share its round trip to PostgreSQL (and then their
   * produce request to Kafka). Round trips, not bytes, are what the request path costs the machine
   * at hundreds of webhooks a second; 0: a claim leaves at once.
   */
  claimLingerMs?: number;
  /**
   * Told when a delivery already acknowledged could not be recorded as published. It stays
   * `receiving`: a repeat after 30 s publishes it again, and consumers dedupe the event by its id.
   */
  onRecordingFailed?: (deliveryKey: string, error: Error) => void;
}

/**
 * Makes a verified, mapped delivery durable before the gateway answers 200: on Kafka (the raw
 * archive and the event, acknowledged with acks=all), or in the spool when Kafka cannot be
 * reached. A delivery already seen answers as a duplicate without a second event. While the spool
 * holds anything, new deliveries queue behind it so that nothing overtakes what arrived earlier.
 *
 * Kafka's acknowledgement is what makes a delivery durable, so the 200 does not wait for the
 * delivery to be recorded as published: that write follows in the background, and a repeat that
 * arrives first waits for it here.
 */
export class WebhookIntake {
  // Concurrent requests share their round trips to PostgreSQL: at hundreds of webhooks a second,
  // one query per request would queue on the connection pool and the database's CPU.
  private readonly claims: RequestBatcher<DeliveryClaim, ClaimResult>;
  private readonly publications: RequestBatcher<PublishedDelivery, undefined>;
  // Deliveries acknowledged by Kafka whose "published" record is still on its way to PostgreSQL.
  private readonly recording = new Map<string, Promise<void>>();

  constructor(private readonly options: WebhookIntakeOptions) {
    const { store } = options;
    this.claims = new RequestBatcher((claims) => store.claimAll(claims), { ...batching, lingerMs: options.claimLingerMs });
    // Nobody waits for these: they gather for a while, so that marking costs a few round trips a second.
    this.publications = new RequestBatcher(
      async (deliveries) => {
        await store.markAllPublished(deliveries);
        return deliveries.map(() => undefined);
      },
      { ...batching, lingerMs: publishedRecordLingerMs },
    );
  }

  async accept(claim: DeliveryClaim, records: OutgoingRecord[]): Promise<IntakeOutcome> {
    let claimed: ClaimResult;
    try {
      claimed = await this.claims.submit(claim);
    } catch (error) {
      if (!isDatabaseOutage(error)) throw error;
      return this.publishWithoutDatabase(records, error);
    }
    if (!claimed.claimed) {
      const recording = this.recording.get(claim.deliveryKey);
      if (recording) {
        await recording;
        return { status: 'duplicate', duplicateOf: claim.deliveryKey };
      }
      if (claimed.status === 'receiving') {
        throw new PlatformError('this delivery is being received by another request right now; retry shortly', {
          code: 'gateway.delivery_in_progress',
          category: 'transient',
          httpStatus: 503,
        });
      }
      return { status: 'duplicate', duplicateOf: claim.deliveryKey };
    }
    try {
      if (claimed.earlierDeliveryOfEvent) {
        await this.options.store.markDuplicate(claim.deliveryKey, claimed.earlierDeliveryOfEvent);
        return { status: 'duplicate', duplicateOf: claimed.earlierDeliveryOfEvent };
      }
      if (!claimed.spoolBusy) {
        const publishedTo = await this.publish(records).catch(() => undefined);
        if (publishedTo) {
          this.recordPublished({ deliveryKey: claim.deliveryKey, publishedTo });
          return { status: 'published', publishedTo };
        }
      }
      await this.options.store.spool(claim.deliveryKey, records.map(toSpooled));
      return { status: 'spooled' };
    } catch (error) {
      await this.options.store.markFailed(claim.deliveryKey).catch(() => undefined);
      throw unavailable(error);
    }
  }

  /** Resolves once every delivery acknowledged so far is recorded as published: before an operator reads them, and before a graceful stop. */
  async recorded(): Promise<void> {
    await this.publications.drain();
    await Promise.all(this.recording.values());
  }

  private recordPublished(delivery: PublishedDelivery): void {
    const recording = this.publications.submit(delivery).then(
      () => undefined,
      (error: unknown) => this.options.onRecordingFailed?.(delivery.deliveryKey, error as Error),
    );
    this.recording.set(delivery.deliveryKey, recording);
    void recording.finally(() => {
      if (this.recording.get(delivery.deliveryKey) === recording) this.recording.delete(delivery.deliveryKey);
    });
  }

  /** PostgreSQL is down: Kafka alone can still make the delivery durable; consumers dedupe by event id. */
  private async publishWithoutDatabase(records: OutgoingRecord[], databaseError: unknown): Promise<IntakeOutcome> {
    try {
      return { status: 'published_without_dedupe', publishedTo: await this.publish(records) };
    } catch {
      throw unavailable(databaseError);
    }
  }

  private publish(records: OutgoingRecord[]): Promise<PublishedRecord[]> {
    const publishing = this.options.publisher.publishAll(
      records.map((record) => ({ topic: record.topic, record: { key: record.key, value: record.value, headers: record.headers } })),
    );
    return acknowledgedWithin(publishing, this.options.publishTimeoutMs);
  }
}

/** Kafka's acknowledgement, or a rejection once `timeoutMs` has passed without it. */
export async function acknowledgedWithin<T>(publishing: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([publishing, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One batch in flight per kind: what arrives meanwhile waits for one round trip and then shares
 * the next, so the number of round trips stays low as load grows (each costs both processes a
 * wake-up, measurable at hundreds per second on two cores).
 */
const batching = { maxInFlight: 1, maxBatchSize: 500 };
const publishedRecordLingerMs = 20;

function toSpooled(record: OutgoingRecord): SpooledRecord {
  return { topic: record.topic.name, key: record.key, value: record.value.toString('base64'), headers: record.headers };
}

function unavailable(cause: unknown): PlatformError {
  return new PlatformError('the webhook could not be stored (Kafka and the spool database are unavailable); retry later', {
    code: 'gateway.unavailable',
    category: 'dependency',
    httpStatus: 503,
    cause,
  });
}
