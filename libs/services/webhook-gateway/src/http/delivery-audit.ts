import { IncomingHttpHeaders } from 'node:http';
import { PlatformError } from '@consign/errors';
import { HistoryEntry } from '../history/delivery-history';
import { HistoryOutcome } from '../history/history-query';
import { archivableHeaders } from '../intake/delivery-records';
import { DeliveryOutcome } from '../intake/gateway-metrics';
import { ClaimedFacts, WebhookSource } from '../intake/verified-delivery';
import { IntakeOutcome } from '../intake/webhook-intake';
import { clerkTypeRoutes, routeOf, shopifyTopicRoutes } from '../webhook-mapping';

/** What became of a request that got as far as the intake. */
interface IntakeFacts {
  deliveryKey?: string;
  subjectId?: string;
  eventId?: string;
  /** What the intake did with it; none when it was refused. */
  outcome?: IntakeOutcome['status'];
}

/** A refusal's code and message. */
interface RefusalFacts {
  code?: string;
  detail?: string;
}

/**
 * What the gateway learns of one webhook request as it goes, from the sender's claims to the
 * intake's outcome or the refusal: the request's log line, metrics and history entry are built
 * from it once it is answered, refused requests included.
 */
export class DeliveryAudit {
  private facts: ClaimedFacts & IntakeFacts & RefusalFacts = {};

  constructor(readonly source: WebhookSource) {}

  note(facts: ClaimedFacts | IntakeFacts): void {
    Object.assign(this.facts, facts);
  }

  refused(problem: PlatformError): void {
    Object.assign(this.facts, { code: problem.code, detail: problem.message });
  }

  /** The fields of the request's log line. */
  logFields(): Record<string, unknown> {
    return { source: this.source, ...this.facts, outcome: this.facts.outcome ?? 'rejected' };
  }

  /** The metrics' name for what the intake did with the delivery; none means it was refused. */
  metricsOutcome(): DeliveryOutcome {
    switch (this.facts.outcome) {
      case 'published':
      case 'published_without_dedupe':
        return 'accepted';
      case 'duplicate':
      case 'spooled':
        return this.facts.outcome;
      default:
        return 'rejected';
    }
  }

  /** The metrics' topic label: a topic we take names itself; any other is one label, so a sender cannot mint label values. */
  topicLabel(): string {
    const { topic } = this.facts;
    if (topic === undefined) return 'none';
    return routeOf<unknown>(this.source === 'shopify' ? shopifyTopicRoutes : clerkTypeRoutes, topic) ? topic : 'unsupported';
  }

  /**
   * The request's history entry. The delivery id and topic are what the sender claimed, verified or
   * not: an operator looks a refused delivery up by the id the sender's dashboard shows.
   */
  historyEntry(
    request: { headers: IncomingHttpHeaders; header(name: string): string | undefined },
    status: number,
    at: { receivedAt: Date; sourceAddress: string; requestId: string },
  ): HistoryEntry {
    const facts = this.facts;
    // Anything answered with an error was refused, whatever the intake did first.
    const intakeOutcome = this.metricsOutcome();
    const outcome: HistoryOutcome = status >= 400 ? 'rejected' : intakeOutcome === 'accepted' ? 'published' : intakeOutcome;
    const claimedId =
      this.source === 'shopify'
        ? (facts.webhookId ?? request.header('x-shopify-webhook-id'))
        : (facts.svixId ?? request.header('svix-id') ?? request.header('webhook-id'));
    const rejected = outcome === 'rejected';
    return {
      ...at,
      source: this.source,
      tenantId: facts.tenant ?? null,
      topic: facts.topic ?? (this.source === 'shopify' ? request.header('x-shopify-topic') : undefined) ?? null,
      deliveryId: claimedId ?? null,
      deliveryKey: rejected ? null : (facts.deliveryKey ?? null),
      subjectId: facts.subjectId ?? null,
      eventId: facts.eventId ?? null,
      outcome,
      reason: rejected ? (facts.code ?? `http.status_${status}`) : null,
      detail: rejected ? (facts.detail?.slice(0, 1000) ?? null) : null,
      httpStatus: status,
      headers: archivableHeaders(request.headers),
    };
  }
}
