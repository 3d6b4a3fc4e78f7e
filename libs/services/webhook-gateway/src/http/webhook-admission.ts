import { PlatformError } from '@consign/errors';

/**
 * Bounds the webhooks the gateway holds at once (received, not yet answered); beyond the limit a
 * new one is refused with 503 and Retry-After before its body is read. When a dependency stalls
 * (a lock in PostgreSQL, a slow broker), webhooks would otherwise pile up in memory without end,
 * each answered later than the last, and Shopify gives up on an answer after 5 s and sends again.
 *
 * Each sender (client address) may hold only `maxInFlightPerSender` of them, so that one sender
 * that sends slowly or floods cannot take every slot from the others.
 */
export class WebhookAdmission {
  private inFlight = 0;
  /** Senders with webhooks in flight, and how many: a sender leaves the map at zero. */
  private readonly inFlightBySender = new Map<string, number>();

  constructor(
    private readonly maxInFlight: number,
    private readonly maxInFlightPerSender: number,
    private readonly onInFlightChange: (inFlight: number) => void = () => undefined,
  ) {}

  /** The refusal a new webhook from `sender` gets now, or undefined when it may come in. */
  refusal(sender: string): PlatformError | undefined {
    const senderInFlight = this.inFlightBySender.get(sender) ?? 0;
    if (senderInFlight >= this.maxInFlightPerSender) {
      // 429, not 503: the gateway has room, this one sender is over its share; it stays out of the gateway's 5xx alerts.
      return new PlatformError(`sender ${sender} has ${senderInFlight} webhooks in flight already, its limit; retry later`, {
        code: 'gateway.sender_over_limit',
        category: 'transient',
        httpStatus: 429,
      });
    }
    if (this.inFlight < this.maxInFlight) return undefined;
    return new PlatformError(`the gateway is holding ${this.inFlight} webhooks already, its limit; retry later`, {
      code: 'gateway.overloaded',
      category: 'transient',
      httpStatus: 503,
    });
  }

  /** Counts one admitted webhook of `sender`; call what it returns once, when the webhook is answered (or its sender hung up). */
  admit(sender: string): () => void {
    this.inFlight += 1;
    this.inFlightBySender.set(sender, (this.inFlightBySender.get(sender) ?? 0) + 1);
    this.onInFlightChange(this.inFlight);
    return () => {
      this.inFlight -= 1;
      const senderInFlight = (this.inFlightBySender.get(sender) ?? 1) - 1;
      if (senderInFlight === 0) this.inFlightBySender.delete(sender);
      else this.inFlightBySender.set(sender, senderInFlight);
      this.onInFlightChange(this.inFlight);
    };
  }
}
