import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gateway reports on /metrics. */
export class GatewayMetrics {
  readonly received: Counter<'source'>;
  readonly verified: Counter<'source'>;
  readonly rejected: Counter<'source' | 'reason'>;
  readonly duplicates: Counter<'source'>;
  readonly spooled: Counter<'source'>;
  readonly ackLatency: Histogram<'source' | 'outcome'>;
  readonly inFlight: Gauge;

  constructor(registry: Registry, spoolDepth: () => Promise<number>) {
    const registers = [registry];
    this.received = new Counter({ name: 'webhook_deliveries_received_total', help: 'Webhook requests received', labelNames: ['source'], registers });
    this.verified = new Counter({ name: 'webhook_deliveries_verified_total', help: 'Deliveries whose signature verified', labelNames: ['source'], registers });
    this.rejected = new Counter({ name: 'webhook_deliveries_rejected_total', help: 'Deliveries refused, by reason (error code)', labelNames: ['source', 'reason'], registers });
    this.duplicates = new Counter({ name: 'webhook_deliveries_duplicate_total', help: 'Repeated deliveries answered without a new event', labelNames: ['source'], registers });
    this.spooled = new Counter({ name: 'webhook_deliveries_spooled_total', help: 'Deliveries kept in the spool because Kafka was unreachable', labelNames: ['source'], registers });
    this.ackLatency = new Histogram({
      name: 'webhook_ack_latency_seconds',
      help: 'Time from request to answer',
      labelNames: ['source', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.inFlight = new Gauge({ name: 'webhook_requests_in_flight', help: 'Webhook requests received and not yet answered', registers });
    new Gauge({
      name: 'webhook_spool_depth',
      help: 'Deliveries waiting in the spool for Kafka',
      registers,
      async collect() {
        this.set(await spoolDepth().catch(() => -1));
      },
    });
  }
}
