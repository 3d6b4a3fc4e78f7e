import { DataSource } from 'typeorm';
import { Gauge, Registry } from 'prom-client';

/** What the outbox holds that Kafka has not acknowledged yet. */
export interface OutboxBacklog {
  rows: number;
  oldestAgeSeconds: number;
}

/** Unpublished rows and the age of the oldest, through the relay's partial index. */
export async function readOutboxBacklog(dataSource: DataSource): Promise<OutboxBacklog> {
  const [row] = (await dataSource.query(
    'SELECT count(*)::int AS rows, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds FROM outbox_events WHERE published_at IS NULL',
  )) as { rows: number; oldest_age_seconds: number }[];
  return { rows: row.rows, oldestAgeSeconds: row.oldest_age_seconds };
}

/**
 * consign_outbox_rows and consign_outbox_oldest_age_seconds, read on each scrape with one query;
 * NaN while the database cannot be read, so a rule never mistakes an outage for an empty outbox.
 */
export function registerOutboxMetrics(registry: Registry, dataSource: DataSource): void {
  let backlog: Promise<OutboxBacklog | undefined> | undefined;
  const read = () =>
    (backlog ??= readOutboxBacklog(dataSource)
      .catch(() => undefined)
      .finally(() => setTimeout(() => (backlog = undefined), 1000).unref()));
  new Gauge({
    name: 'consign_outbox_rows',
    help: 'Outbox rows Kafka has not acknowledged yet',
    registers: [registry],
    async collect() {
      this.set((await read())?.rows ?? Number.NaN);
    },
  });
  new Gauge({
    name: 'consign_outbox_oldest_age_seconds',
    help: 'How long the oldest unpublished outbox row has waited; 0 when none waits',
    registers: [registry],
    async collect() {
      this.set((await read())?.oldestAgeSeconds ?? Number.NaN);
    },
  });
}
