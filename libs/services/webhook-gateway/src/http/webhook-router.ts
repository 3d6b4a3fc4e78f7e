import express, { NextFunction, Request, Response, Router } from 'express';
import { PlatformError, toPlatformError } from '@consign/errors';
import { EventCodec } from '@consign/kafka';
import { fromBodyParser, Logger } from '@consign/service-runtime';
import { TenantDirectory } from '@consign/tenants';
import { verifyClerkWebhook } from '../clerk/clerk-verification';
import { DeliveryHistory } from '../history/delivery-history';
import { ArchiveSealing } from '../intake/archive-sealing';
import { archivableHeaders, DeliveryEncoder } from '../intake/delivery-records';
import { GatewayMetrics } from '../intake/gateway-metrics';
import { IncomingWebhook, VerifiedDelivery, WebhookSource } from '../intake/verified-delivery';
import { WebhookIntake } from '../intake/webhook-intake';
import { CidrRange, clientAddress, isAllowed } from '../network';
import { verifyShopifyWebhook } from '../shopify/shopify-verification';
import { ClerkPath, ShopifyPath } from '../webhook-mapping';
import { DeliveryAudit } from './delivery-audit';
import { RequestTrace, startRequestTrace } from './request-trace';
import { WebhookAdmission } from './webhook-admission';

export interface WebhookRouterOptions {
  tenants: TenantDirectory;
  intake: WebhookIntake;
  codec: EventCodec;
  logger: Logger;
  metrics: GatewayMetrics;
  bodyLimitBytes: number;
  /** Whether a new webhook is taken now or refused (503, or 429 for a sender over its share) with Retry-After. */
  admission: WebhookAdmission;
  /** Our proxies in front of the gateway: only their X-Forwarded-For entries are believed. */
  trustedProxies: readonly CidrRange[];
  allowlists: { shopify: CidrRange[]; clerk: CidrRange[] };
  /** Refuse Shopify deliveries triggered longer ago than this; unset: no limit (Shopify retries for hours). */
  shopifyMaxAgeMs?: number;
  svixToleranceSeconds: number;
  /** Seals the archived bodies, and erases a deleted Clerk user's. */
  archiveSealing: ArchiveSealing;
  /** Where every answered request is kept for operators to search, refused ones too. */
  history: Pick<DeliveryHistory, 'record'>;
  now?: () => number;
}

/** One webhook endpoint: its sender, and the topics it takes (the path after /webhooks/<source>/; none: any topic, routed by its header). */
type WebhookEndpoint = { source: 'shopify'; accepts?: ShopifyPath } | { source: 'clerk'; accepts?: ClerkPath };

/** Every webhook endpoint. Clerk's user.deleted has no path of its own: it arrives through /webhooks/clerk. */
const webhookEndpoints: readonly WebhookEndpoint[] = [
  { source: 'shopify' },
  { source: 'shopify', accepts: 'order' },
  { source: 'shopify', accepts: 'order/cancelled' },
  { source: 'shopify', accepts: 'refund' },
  { source: 'shopify', accepts: 'inventory' },
  { source: 'shopify', accepts: 'product' },
  { source: 'clerk' },
  { source: 'clerk', accepts: 'user' },
  { source: 'clerk', accepts: 'user/updated' },
];

/** What travels with one webhook request through the router's steps. */
interface WebhookLocals extends Record<string, unknown> {
  requestId: string;
  trace: RequestTrace;
  audit: DeliveryAudit;
}
type WebhookResponse = Response<unknown, WebhookLocals>;

/**
 * Every webhook endpoint. For each request, in order: the sender's address, the content type and
 * admission, the raw body; then the source's verifier (tenant and signature before the body is
 * parsed, the topic, the body's fields); then the intake makes the delivery durable (Kafka, or the
 * spool) before the 200.
 */
export function createWebhookRouter(options: WebhookRouterOptions): Router {
  const router = Router();
  const now = options.now ?? Date.now;
  const rawBody = express.raw({ type: () => true, limit: options.bodyLimitBytes });
  const encoder = new DeliveryEncoder(options.codec, options.archiveSealing);

  const verify = (endpoint: WebhookEndpoint, incoming: IncomingWebhook): VerifiedDelivery =>
    endpoint.source === 'shopify'
      ? verifyShopifyWebhook(incoming, endpoint.accepts, { tenants: options.tenants, now, maxAgeMs: options.shopifyMaxAgeMs })
      : verifyClerkWebhook(incoming, endpoint.accepts, {
          tenants: options.tenants,
          now,
          svixToleranceSeconds: options.svixToleranceSeconds,
        });

  /** Starts the request's audit and trace, and refuses a sender off the allowlist, a body that is not JSON, or a request over the admission limits. */
  const admitted = (source: WebhookSource) => (req: Request, res: WebhookResponse, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();
    const receivedAt = new Date(now());
    const trace = startRequestTrace(req.method, String(req.route?.path ?? req.path), req.headers);
    const audit = new DeliveryAudit(source);
    Object.assign(res.locals, { trace, audit });
    const client = clientAddress(req.socket.remoteAddress ?? '', req.header('x-forwarded-for'), options.trustedProxies);
    res.on('finish', () => {
      trace.end(res.statusCode);
      const latencySeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const outcome = audit.metricsOutcome();
      options.metrics.ackDuration.observe({ source, outcome }, latencySeconds);
      options.metrics.deliveries.inc({ source, topic: audit.topicLabel(), outcome });
      options.logger.info(
        {
          requestId: res.locals.requestId,
          ...trace.logFields,
          ...audit.logFields(),
          status: res.statusCode,
          latencyMs: Math.round(latencySeconds * 1e5) / 100,
        },
        'webhook request',
      );
      options.history.record(
        audit.historyEntry(req, res.statusCode, { receivedAt, sourceAddress: client, requestId: res.locals.requestId }),
      );
    });
    if (!isAllowed(client, options.allowlists[source])) {
      next(
        new PlatformError(`sender address ${client} is not on the ${source} allowlist`, {
          code: 'gateway.address_not_allowed',
          category: 'unauthorized',
          httpStatus: 403,
        }),
      );
      return;
    }
    if (!req.is('application/json')) {
      next(
        new PlatformError(`content type must be application/json, got "${req.header('content-type') ?? 'none'}"`, {
          code: 'http.unsupported_media_type',
          category: 'invalid',
          httpStatus: 415,
        }),
      );
      return;
    }
    // Refused before its body is read: an overloaded gateway spends nothing more on it. Express
    // runs this once the headers are in, so a slot is held from then until the answer.
    const refusal = options.admission.refusal(client);
    if (refusal) {
      next(refusal);
      return;
    }
    // 'close' comes once the answer is sent and also when the sender hangs up before it, or the
    // server cuts a request that missed its deadline.
    res.once('close', options.admission.admit(client));
    next();
  };

  /** Verifies the delivery, makes it durable through the intake, and answers 200 with what became of it. */
  const receive = (endpoint: WebhookEndpoint) => async (req: Request, res: WebhookResponse) => {
    const { audit, trace, requestId } = res.locals;
    const delivery = verify(endpoint, {
      body: req.body as Buffer,
      header: (name) => req.header(name),
      tenantHint: typeof req.query.tenant === 'string' ? req.query.tenant : undefined,
      path: req.path,
      receivedAt: now(),
      requestId,
      note: (facts) => audit.note(facts),
    });
    const { claim, records, deletedClerkUser } = await encoder.encode(delivery, archivableHeaders(req.headers), trace.context);
    audit.note({ deliveryKey: claim.deliveryKey, subjectId: claim.subjectId });
    const outcome = await options.intake.accept(claim, records);
    // Also on a duplicate: a first delivery whose erasure failed (503) is erased by Clerk's retry.
    if (deletedClerkUser !== undefined)
      await options.archiveSealing.eraseClerkUser(deletedClerkUser).catch((error: unknown) => {
        throw new PlatformError("the deletion is stored, but the user's archived webhooks could not be erased yet; retry", {
          code: 'gateway.erasure_pending',
          category: 'dependency',
          httpStatus: 503,
          cause: error,
        });
      });
    audit.note({ outcome: outcome.status, eventId: claim.eventId });
    res.status(200).json({ eventId: claim.eventId, ...outcome });
  };

  for (const endpoint of webhookEndpoints) {
    const path = endpoint.accepts ? `/webhooks/${endpoint.source}/${endpoint.accepts}` : `/webhooks/${endpoint.source}`;
    const handler = receive(endpoint);
    router.post(path, admitted(endpoint.source), rawBody, (req: Request, res: WebhookResponse, next: NextFunction) =>
      handler(req, res).catch(next),
    );
  }
  // Maps every refusal, ours or the body parser's, once: it is counted and audited here, and the
  // app's problem handler answers it.
  router.use('/webhooks', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const problem = toPlatformError(fromBodyParser(error));
    const audit = (res.locals as Partial<WebhookLocals>).audit;
    if (audit) {
      audit.refused(problem);
      options.metrics.rejections.inc({ source: audit.source, reason: problem.code });
    }
    if (problem.category === 'dependency' || problem.httpStatus === 503 || problem.httpStatus === 429) res.setHeader('Retry-After', '5');
    next(problem);
  });
  return router;
}
