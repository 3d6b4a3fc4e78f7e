import { PlatformError } from '@consign/errors';

/**
 * Bounds the webhooks the gateway holds at once (received, not yet answered); beyond the limit a
 * new one is refused with 503 and Retry-After before its body is read. When a dependency stalls
 * (a lock in PostgreSQL, a slow broker), webhooks would otherwise pile up in memory without end,
 * each answered later than the last, and Shopify gives up on an answer after 5 s and sends again.
 */
export class WebhookAdmission {
  private inFlight = 0;

  constructor(
    private readonly maxInFlight: number,
    private readonly onInFlightChange: (inFlight: number) => void = () => undefined,
  ) {}

  /** The refusal a new webhook gets now, or undefined when it may come in. */
  refusal(): PlatformError | undefined {
    if (this.inFlight < this.maxInFlight) return undefined;
    return new PlatformError(`the gateway is holding ${this.inFlight} webhooks already, its limit; retry later`, {
      code: 'gateway.overloaded',
      category: 'transient',
      httpStatus: 503,
    });
  }

  /** Counts one admitted webhook; call what it returns once, when the webhook is answered (or its sender hung up). */
  admit(): () => void {
    this.inFlight += 1;
    this.onInFlightChange(this.inFlight);
    return () => {
      this.inFlight -= 1;
      this.onInFlightChange(this.inFlight);
    };
  }
}
