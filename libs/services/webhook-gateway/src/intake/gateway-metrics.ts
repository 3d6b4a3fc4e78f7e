import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the spool holds: deliveries waiting for Kafka, and how long the oldest has waited. */
export interface SpoolBacklog {
  deliveries: number;
  oldestAgeSeconds: number;
}

/** A delivery's end: published to Kafka (`accepted`), already seen, kept in the spool, or refused. */
export type DeliveryOutcome = 'accepted' | 'duplicate' | 'spooled' | 'rejected';

/** What the gateway reports on /metrics. */
export class GatewayMetrics {
  /** By source, webhook topic and outcome: the delivery success rate is one query over it. */
  readonly deliveries: Counter<'source' | 'topic' | 'outcome'>;
  readonly rejections: Counter<'source' | 'reason'>;
  readonly ackDuration: Histogram<'source' | 'outcome'>;
  readonly inFlight: Gauge;
  readonly historyUnrecorded: Counter;

  constructor(registry: Registry, spoolBacklog: () => Promise<SpoolBacklog>) {
    const registers = [registry];
    this.deliveries = new Counter({
      name: 'consign_webhook_deliveries_total',
      help: 'Webhook deliveries answered, by source, webhook topic ("unsupported" for one we do not take, "none" when refused before it was read) and outcome',
      labelNames: ['source', 'topic', 'outcome'],
      registers,
    });
    this.rejections = new Counter({
      name: 'consign_webhook_rejections_total',
      help: 'Deliveries refused, by reason (the error code)',
      labelNames: ['source', 'reason'],
      registers,
    });
    this.ackDuration = new Histogram({
      name: 'consign_webhook_ack_duration_seconds',
      help: 'Time from request to answer, by outcome',
      labelNames: ['source', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'consign_webhook_requests_in_flight',
      help: 'Webhook requests received and not yet answered',
      registers,
    });
    this.historyUnrecorded = new Counter({
      name: 'consign_delivery_history_unrecorded_total',
      help: 'Answered webhook requests missing from the delivery history: its database refused them, or too many waited',
      registers,
    });
    // One query serves both gauges of a scrape.
    let backlog: Promise<SpoolBacklog | undefined> | undefined;
    const readBacklog = () =>
      (backlog ??= spoolBacklog()
        .catch(() => undefined)
        .finally(() => setTimeout(() => (backlog = undefined), 1000).unref()));
    new Gauge({
      name: 'consign_spool_deliveries',
      help: 'Deliveries waiting in the spool for Kafka (NaN while the spool database cannot be read)',
      registers,
      async collect() {
        const read = await readBacklog();
        this.set(read ? read.deliveries : Number.NaN);
      },
    });
    new Gauge({
      name: 'consign_spool_oldest_age_seconds',
      help: 'How long the oldest delivery in the spool has waited for Kafka; 0 when the spool is empty, NaN while it cannot be read',
      registers,
      async collect() {
        const read = await readBacklog();
        this.set(read ? read.oldestAgeSeconds : Number.NaN);
      },
    });
  }
}
