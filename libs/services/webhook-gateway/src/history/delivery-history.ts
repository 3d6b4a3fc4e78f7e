import { DataSource } from 'typeorm';
import { insertRows } from '@consign/database';
import type { PublishedRecord } from '@consign/kafka';
import { encodeHistoryCursor, HistoryOutcome, HistoryPageRequest } from './history-query';

/** One webhook request as the history keeps it: who sent what, and what became of it; never its body. */
export interface HistoryEntry {
  requestId: string;
  receivedAt: Date;
  source: 'shopify' | 'clerk';
  /** The tenant the delivery named or was signed for; null when refused before one was known. */
  tenantId: string | null;
  topic: string | null;
  deliveryId: string | null;
  /** The dedupe key (`webhook_deliveries.delivery_key`) of an accepted delivery. */
  deliveryKey: string | null;
  subjectId: string | null;
  eventId: string | null;
  outcome: HistoryOutcome;
  /** A refusal's code, and its message. */
  reason: string | null;
  detail: string | null;
  httpStatus: number;
  /** The sender's address, after our trusted proxies. */
  sourceAddress: string;
  /** Secrets (signatures, credentials) removed. */
  headers: Record<string, string>;
}

export interface HistoryRecord extends Omit<HistoryEntry, 'receivedAt'> {
  id: string;
  receivedAt: string;
  /** Where an accepted delivery's records landed; null until published (or when refused). */
  publishedTo: PublishedRecord[] | null;
}

export interface HistoryPage {
  deliveries: HistoryRecord[];
  /** Pass as `?cursor=` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface DeliveryHistoryOptions {
  /** A webhook's answer must not wait for its history: entries are written together, this often. */
  flushIntervalMs?: number;
  /** Past this many entries waiting (the database down), new ones are counted and dropped. */
  maxBuffered?: number;
  /** Entries that could not be written: counted on /metrics, never retried into an unbounded buffer. */
  onUnrecorded?(count: number, error?: Error): void;
}

const columns =
  'request_id, received_at, source, tenant_id, topic, delivery_id, delivery_key, subject_id, event_id, outcome, reason, detail, http_status, source_address, headers';
const historyColumns = columns
  .split(', ')
  .map((column) => `h.${column}`)
  .join(', ');
/** Rows removed per statement when the retention is applied: short locks, even after a backlog. */
const purgeBatch = 5000;

/**
 * Every webhook request the gateway answered, refused ones included, kept for the history's
 * retention (DELIVERY_HISTORY_RETENTION, 30 days) rather than the dedupe window: what operators
 * search. Written behind the answer in batches; an entry lost to a crash costs a line of history,
 * never an event.
 */
export class DeliveryHistory {
  private buffer: HistoryEntry[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly maxBuffered: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: DeliveryHistoryOptions = {},
  ) {
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  record(entry: HistoryEntry): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.options.onUnrecorded?.(1);
      return;
    }
    this.buffer.push(entry);
  }

  /** Resolves once every entry recorded before the call is written (or counted as unrecorded). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const entries = this.buffer;
      if (entries.length === 0) return;
      this.buffer = [];
      try {
        await insertRows(
          this.dataSource.manager,
          `INSERT INTO delivery_history (${columns})`,
          entries.map((entry) => [
            entry.requestId,
            entry.receivedAt,
            entry.source,
            entry.tenantId,
            entry.topic,
            entry.deliveryId,
            entry.deliveryKey,
            entry.subjectId,
            entry.eventId,
            entry.outcome,
            entry.reason,
            entry.detail,
            entry.httpStatus,
            entry.sourceAddress,
            JSON.stringify(entry.headers),
          ]),
        );
      } catch (error) {
        this.options.onUnrecorded?.(entries.length, error as Error);
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * One page of the history, newest first. An accepted delivery's records are where the dedupe
   * record says while it holds them, and where the history copied it once that is forgotten.
   */
  async search({ filter, limit, after }: HistoryPageRequest): Promise<HistoryPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (sql: (placeholder: string) => string, value: unknown) => conditions.push(sql(`$${parameters.push(value)}`));
    if (filter.from) where((p) => `h.received_at >= ${p}`, filter.from);
    if (filter.to) where((p) => `h.received_at < ${p}`, filter.to);
    if (filter.source) where((p) => `h.source = ${p}`, filter.source);
    if (filter.tenantId) where((p) => `h.tenant_id = ${p}`, filter.tenantId);
    if (filter.topic) where((p) => `h.topic = ${p}`, filter.topic);
    if (filter.outcome) where((p) => `h.outcome = ${p}`, filter.outcome);
    if (filter.reason) where((p) => `h.reason = ${p}`, filter.reason);
    if (filter.subjectId) where((p) => `h.subject_id = ${p}`, filter.subjectId);
    if (filter.deliveryId) where((p) => `h.delivery_id = ${p}`, filter.deliveryId);
    if (after) {
      const at = `$${parameters.push(after.receivedAt)}::timestamptz`;
      conditions.push(`(h.received_at, h.id) < (${at}, $${parameters.push(after.id)}::bigint)`);
    }
    const rows = (await this.dataSource.query(
      `SELECT h.id, h.received_at::text AS received_at_text, ${historyColumns}, COALESCE(h.published_to, d.published_to) AS published_to
       FROM delivery_history h LEFT JOIN webhook_deliveries d ON d.delivery_key = h.delivery_key AND h.outcome IN ('published', 'spooled')
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY h.received_at DESC, h.id DESC
       LIMIT ${limit + 1}`,
      parameters,
    )) as Array<Record<string, unknown>>;
    const deliveries = rows.slice(0, limit).map(toHistoryRecord);
    const more = rows.length > limit;
    return {
      deliveries,
      nextCursor: more
        ? encodeHistoryCursor({ receivedAt: String(rows[limit - 1].received_at_text), id: String(rows[limit - 1].id) })
        : null,
    };
  }

  /** Deletes what is older than the retention, a batch at a time; returns how many entries went. */
  async forgetOlderThan(retentionMs: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const rows = (await this.dataSource.query(
        `DELETE FROM delivery_history WHERE id IN (
           SELECT id FROM delivery_history WHERE received_at < now() - ($1::double precision * interval '1 millisecond') LIMIT ${purgeBatch}
         ) RETURNING id`,
        [retentionMs],
      )) as unknown[];
      removed += rows.length;
      if (rows.length < purgeBatch) return removed;
    }
  }
}

function toHistoryRecord(row: Record<string, unknown>): HistoryRecord {
  return {
    id: String(row.id),
    requestId: String(row.request_id),
    receivedAt: new Date(row.received_at as string).toISOString(),
    source: row.source as HistoryRecord['source'],
    tenantId: (row.tenant_id as string | null) ?? null,
    topic: (row.topic as string | null) ?? null,
    deliveryId: (row.delivery_id as string | null) ?? null,
    deliveryKey: (row.delivery_key as string | null) ?? null,
    subjectId: (row.subject_id as string | null) ?? null,
    eventId: (row.event_id as string | null) ?? null,
    outcome: row.outcome as HistoryOutcome,
    reason: (row.reason as string | null) ?? null,
    detail: (row.detail as string | null) ?? null,
    httpStatus: Number(row.http_status),
    sourceAddress: String(row.source_address),
    headers: row.headers as Record<string, string>,
    publishedTo: (row.published_to as PublishedRecord[] | null) ?? null,
  };
}
