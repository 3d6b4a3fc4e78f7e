import { DataSource, EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '@consign/database';
import { PublishedRecord } from '@consign/kafka';
import type { SpoolBacklog } from './gateway-metrics';

export type DeliveryStatus = 'receiving' | 'published' | 'spooled' | 'duplicate' | 'failed';

export interface DeliveryClaim {
  deliveryKey: string;
  source: 'shopify' | 'clerk';
  tenantId: string;
  topic: string;
  deliveryId: string;
  sourceEventId: string | null;
  eventId: string;
  requestId: string;
  /** The key of the event the delivery became: order id, product id, inventory item id, Clerk user id. */
  subjectId: string;
}

/**
 * The dedupe key of a delivery: the sender's delivery id within its scope, the shop domain for
 * Shopify and the tenant for Clerk (Svix message ids are unique per Clerk application).
 */
export function deliveryKeyOf(source: 'shopify' | 'clerk', scope: string, deliveryId: string): string {
  return `${source}:${scope}:${deliveryId}`;
}

export type ClaimResult =
  { claimed: true; earlierDeliveryOfEvent: string | null; spoolBusy: boolean } | { claimed: false; status: DeliveryStatus };

export interface PublishedDelivery {
  deliveryKey: string;
  publishedTo: PublishedRecord[];
}

/** A record ready for Kafka: topic, key, encoded value and headers (bytes as base64 in the spool). */
export interface SpooledRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface DeliveryRecord {
  deliveryKey: string;
  source: string;
  tenantId: string;
  topic: string;
  deliveryId: string;
  sourceEventId: string | null;
  eventId: string;
  subjectId: string | null;
  requestId: string;
  status: DeliveryStatus;
  duplicateOf: string | null;
  attempts: number;
  receivedAt: string;
  verifiedAt: string;
  publishedAt: string | null;
  publishedTo: PublishedRecord[] | null;
  /** How often an operator replayed this delivery through the admin API. */
  replayCount: number;
  lastReplayedAt: string | null;
}

const deliveryColumns = `delivery_key, source, tenant_id, topic, delivery_id, source_event_id, event_id, subject_id, request_id, status, duplicate_of,
  attempts, received_at, verified_at, published_at, published_to, replay_count, last_replayed_at`;

/** Deliveries looked up by subject: enough for any one order's history, bounded for a hot product. */
const subjectLookupLimit = 200;

/**
 * The gateway's delivery records and spool, in its own PostgreSQL database. Delivery records are
 * dedupe and audit state: the gateway's sessions commit them without waiting for the disk (losing
 * the last few on a database crash costs at most a repeated event, which consumers absorb); the
 * spool, which holds accepted events, always commits synchronously.
 */
export class DeliveryStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims deliveries for their requests, in one round trip for the whole batch, with what each
   * request path needs to know next: whether the delivery was already known (a repeat, or in flight
   * on another replica), an earlier delivery of the same domain event, and whether the spool holds
   * anything. A claim left `receiving` for 30 s belonged to a gateway that died mid-request: the
   * sender's retry takes it over. Within a batch the earlier request wins: a second request for
   * the same delivery finds it in flight, a second delivery of the same event is its duplicate.
   */
  async claimAll(claims: DeliveryClaim[]): Promise<ClaimResult[]> {
    const firstOfKey = new Map<string, DeliveryClaim>();
    for (const claim of claims) if (!firstOfKey.has(claim.deliveryKey)) firstOfKey.set(claim.deliveryKey, claim);
    const unique = [...firstOfKey.values()];
    const column = (pick: (claim: DeliveryClaim) => string | null) => unique.map(pick);
    const rows = await runPrepared<{
      delivery_key: string;
      claimed: boolean;
      existing_status: DeliveryStatus | null;
      earlier: string | null;
      spool_busy: boolean;
    }>(this.dataSource, claimDeliveries, [
      column((claim) => claim.deliveryKey),
      column((claim) => claim.source),
      column((claim) => claim.tenantId),
      column((claim) => claim.topic),
      column((claim) => claim.deliveryId),
      column((claim) => claim.sourceEventId),
      column((claim) => claim.eventId),
      column((claim) => claim.requestId),
      column((claim) => claim.subjectId),
    ]);
    const rowByKey = new Map(rows.map((row) => [row.delivery_key, row]));
    const claimedEvents = new Map<string, string>();
    return claims.map((claim) => {
      const row = rowByKey.get(claim.deliveryKey);
      if (!row) throw new Error(`claiming ${claims.length} deliveries returned no row for ${claim.deliveryKey}`);
      if (!row.claimed || firstOfKey.get(claim.deliveryKey) !== claim)
        return { claimed: false, status: row.claimed ? 'receiving' : (row.existing_status ?? 'receiving') };
      const earlierInBatch = claimedEvents.get(claim.eventId);
      if (!earlierInBatch) claimedEvents.set(claim.eventId, claim.deliveryKey);
      return { claimed: true, earlierDeliveryOfEvent: row.earlier ?? earlierInBatch ?? null, spoolBusy: row.spool_busy };
    });
  }

  async markDuplicate(deliveryKey: string, duplicateOf: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_deliveries SET status = 'duplicate', duplicate_of = $2 WHERE delivery_key = $1`, [
      deliveryKey,
      duplicateOf,
    ]);
  }

  /** Records where each delivery's records landed, for a batch of deliveries in one round trip. */
  async markAllPublished(deliveries: PublishedDelivery[]): Promise<void> {
    await recordPublished(this.dataSource, deliveries);
  }

  async markFailed(deliveryKey: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE delivery_key = $1 AND status = 'receiving'`, [
      deliveryKey,
    ]);
  }

  /**
   * Commits the records to the spool and the delivery's status together, flushed to disk before
   * returning whatever the session's default: this commit is what makes a 200 durable.
   */
  async spool(deliveryKey: string, records: SpooledRecord[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL synchronous_commit = on');
      await manager.query('INSERT INTO webhook_spool (delivery_key, records) VALUES ($1, $2)', [deliveryKey, JSON.stringify(records)]);
      await manager.query(`UPDATE webhook_deliveries SET status = 'spooled' WHERE delivery_key = $1`, [deliveryKey]);
    });
  }

  async oldestSpooled(limit: number): Promise<Array<{ id: string; deliveryKey: string; records: SpooledRecord[] }>> {
    const rows = (await this.dataSource.query('SELECT id, delivery_key, records FROM webhook_spool ORDER BY id LIMIT $1', [limit])) as {
      id: string;
      delivery_key: string;
      records: SpooledRecord[];
    }[];
    return rows.map((row) => ({ id: row.id, deliveryKey: row.delivery_key, records: row.records }));
  }

  /** Removes drained spool rows and records where their records landed, in one transaction. */
  async drained(rows: Array<{ id: string } & PublishedDelivery>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM webhook_spool WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      await recordPublished(manager, rows);
    });
  }

  /** How many deliveries the spool holds, and the age of the oldest: 0 when it is empty. */
  async spoolBacklog(): Promise<SpoolBacklog> {
    const [row] = (await this.dataSource.query(
      'SELECT count(*)::int AS deliveries, coalesce(extract(epoch FROM now() - min(spooled_at)), 0)::float8 AS oldest_age_seconds FROM webhook_spool',
    )) as { deliveries: number; oldest_age_seconds: number }[];
    return { deliveries: row.deliveries, oldestAgeSeconds: row.oldest_age_seconds };
  }

  async spoolDepth(): Promise<number> {
    const [{ depth }] = (await this.dataSource.query('SELECT count(*)::int AS depth FROM webhook_spool')) as { depth: number }[];
    return depth;
  }

  /**
   * Forgets deliveries older than the dedupe window: finished ones, and claims a gateway that died
   * mid-request left `receiving`; spooled ones are kept until drained. Where a forgotten delivery's
   * records landed stays in the delivery history.
   */
  async forgetOlderThan(windowMs: number): Promise<number> {
    const [{ forgotten }] = (await this.dataSource.query(
      `WITH forgotten AS (
         DELETE FROM webhook_deliveries d
         WHERE d.received_at < now() - ($1::double precision * interval '1 millisecond')
           AND d.status IN ('published', 'duplicate', 'failed', 'receiving')
           AND NOT EXISTS (SELECT 1 FROM webhook_spool s WHERE s.delivery_key = d.delivery_key)
         RETURNING delivery_key, published_to
       ), kept AS (
         UPDATE delivery_history h SET published_to = f.published_to
         FROM forgotten f
         WHERE h.delivery_key = f.delivery_key AND f.published_to IS NOT NULL AND h.published_to IS NULL AND h.outcome IN ('published', 'spooled')
       )
       SELECT count(*)::int AS forgotten FROM forgotten`,
      [windowMs],
    )) as Array<{ forgotten: number }>;
    return forgotten;
  }

  /**
   * Counts an operator's replay on the delivery it repeats, if the dedupe window still holds it,
   * and fills in the subject of a delivery recorded before subjects were.
   */
  async markReplayed(deliveryKey: string, subjectId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET replay_count = replay_count + 1, last_replayed_at = now(), subject_id = COALESCE(subject_id, $2) WHERE delivery_key = $1`,
      [deliveryKey, subjectId],
    );
  }

  /** Looks a delivery up by the sender's delivery id (X-Shopify-Webhook-Id, svix-id) or by its key. */
  async find(id: string): Promise<DeliveryRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE delivery_id = $1 OR delivery_key = $1 ORDER BY received_at`,
      [id],
    )) as Record<string, unknown>[];
    return rows.map(toDeliveryRecord);
  }

  /** Every delivery about one order, product, inventory item or user, oldest first. */
  async findBySubject(subjectId: string): Promise<DeliveryRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE subject_id = $1 ORDER BY received_at, delivery_key LIMIT ${subjectLookupLimit}`,
      [subjectId],
    )) as Record<string, unknown>[];
    return rows.map(toDeliveryRecord);
  }
}

/** Marks deliveries published with where their records landed, on the data source or inside a transaction. */
async function recordPublished(database: Pick<EntityManager, 'query'>, deliveries: PublishedDelivery[]): Promise<void> {
  await database.query(
    `UPDATE webhook_deliveries d SET status = 'published', published_at = now(), published_to = p.published_to
     FROM unnest($1::text[], $2::jsonb[]) AS p(delivery_key, published_to)
     WHERE d.delivery_key = p.delivery_key`,
    [deliveries.map((delivery) => delivery.deliveryKey), deliveries.map((delivery) => JSON.stringify(delivery.publishedTo))],
  );
}

function toDeliveryRecord(row: Record<string, unknown>): DeliveryRecord {
  return {
    deliveryKey: String(row.delivery_key),
    source: String(row.source),
    tenantId: String(row.tenant_id),
    topic: String(row.topic),
    deliveryId: String(row.delivery_id),
    sourceEventId: (row.source_event_id as string | null) ?? null,
    eventId: String(row.event_id),
    subjectId: (row.subject_id as string | null) ?? null,
    requestId: String(row.request_id),
    status: row.status as DeliveryStatus,
    duplicateOf: (row.duplicate_of as string | null) ?? null,
    attempts: Number(row.attempts),
    receivedAt: new Date(row.received_at as string).toISOString(),
    verifiedAt: new Date(row.verified_at as string).toISOString(),
    publishedAt: row.published_at ? new Date(row.published_at as string).toISOString() : null,
    publishedTo: (row.published_to as PublishedRecord[] | null) ?? null,
    replayCount: Number(row.replay_count),
    lastReplayedAt: row.last_replayed_at ? new Date(row.last_replayed_at as string).toISOString() : null,
  };
}

/** The gateway's hottest query (a round trip for every few webhooks), so PostgreSQL plans it once per connection. */
const claimDeliveries: PreparedStatement = {
  name: 'claim-deliveries',
  text: `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS i(delivery_key, source, tenant_id, topic, delivery_id, source_event_id, event_id, request_id, subject_id)
  ),
  claimed AS (
    INSERT INTO webhook_deliveries (delivery_key, source, tenant_id, topic, delivery_id, source_event_id, event_id, request_id, subject_id, status)
    -- A fixed lock order, so that two replicas claiming overlapping batches cannot deadlock.
    SELECT delivery_key, source, tenant_id, topic, delivery_id, source_event_id, event_id, request_id, subject_id, 'receiving' FROM input ORDER BY delivery_key
    ON CONFLICT (delivery_key) DO UPDATE
      SET status = 'receiving', attempts = webhook_deliveries.attempts + 1, request_id = EXCLUDED.request_id, verified_at = now()
      WHERE webhook_deliveries.status = 'failed'
         OR (webhook_deliveries.status = 'receiving' AND webhook_deliveries.verified_at < now() - interval '30 seconds')
    RETURNING delivery_key
  )
  SELECT i.delivery_key,
         EXISTS (SELECT 1 FROM claimed c WHERE c.delivery_key = i.delivery_key) AS claimed,
         (SELECT d.status FROM webhook_deliveries d WHERE d.delivery_key = i.delivery_key) AS existing_status,
         (SELECT d.delivery_key FROM webhook_deliveries d
           WHERE d.event_id = i.event_id AND d.delivery_key <> i.delivery_key AND d.status IN ('published', 'spooled', 'receiving')
           ORDER BY d.received_at LIMIT 1) AS earlier,
         -- Through the primary key, which skips the rows drained since: a plain EXISTS scans them all.
         (SELECT id FROM webhook_spool ORDER BY id LIMIT 1) IS NOT NULL AS spool_busy
  FROM input i`,
};
