import { OutgoingEvent } from '@consign/kafka';

export type WebhookSource = 'shopify' | 'clerk';

/**
 * One webhook request as a verifier sees it: raw bytes and headers, nothing parsed or trusted yet.
 * The HTTP layer builds it; the verifiers know nothing of Express.
 */
export interface IncomingWebhook {
  body: Buffer;
  header(name: string): string | undefined;
  /** `?tenant=`, when the sender's URL names the tenant. */
  tenantHint?: string;
  /** The path it came in on, for messages. */
  path: string;
  receivedAt: number;
  requestId: string;
  /** Told what the request claims as each fact is learned, so that a refusal is recorded with what was known. */
  note(facts: ClaimedFacts): void;
}

/** What a request says about itself, verified or not. */
export interface ClaimedFacts {
  /** One tenant id, or the candidates' ids joined by commas until a signature picks one. */
  tenant?: string;
  /** The Shopify topic or the Clerk event type. */
  topic?: string;
  webhookId?: string;
  shopifyEventId?: string;
  triggeredAt?: string;
  svixId?: string;
}

/**
 * A delivery whose signature checked out and whose topic is one this endpoint takes, with the event
 * it maps to: what the intake archives, encodes and makes durable.
 */
export interface VerifiedDelivery {
  source: WebhookSource;
  tenantId: string;
  /** The dedupe key: the delivery id within its shop or tenant. */
  deliveryKey: string;
  /** X-Shopify-Webhook-Id or svix-id. */
  deliveryId: string;
  /** The sender's id of the event, the same on every delivery of it: X-Shopify-Event-Id, or the svix-id. */
  sourceEventId: string | null;
  /** The Shopify topic or the Clerk event type. */
  topic: string;
  /** The bytes the signature covered, as received. */
  body: Buffer;
  event: OutgoingEvent<unknown>;
  requestId: string;
}
