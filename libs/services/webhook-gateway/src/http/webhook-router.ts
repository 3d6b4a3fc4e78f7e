import express, { NextFunction, Request, Response, Router } from 'express';
import { Context } from '@opentelemetry/api';
import { ClerkUserDeleted, events, EventMetadata, RawWebhookArchived } from '@consign/contracts';
import { PlatformError, toPlatformError } from '@consign/errors';
import { EventCodec, eventHeaders, OutgoingEvent } from '@consign/kafka';
import { fromBodyParser, Logger } from '@consign/service-runtime';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { clerkInstanceIdOf } from '../clerk/clerk-mapping';
import { ClerkDelivery } from '../clerk/clerk-delivery';
import { parseExactJson } from '../exact-json';
import { ArchiveSealing, BodyOwner } from '../intake/archive-sealing';
import { deliveryKeyOf } from '../intake/delivery-store';
import { DeliveryOutcome, GatewayMetrics } from '../intake/gateway-metrics';
import { DeliveryHistory } from '../history/delivery-history';
import { HistoryOutcome } from '../history/history-query';
import { OutgoingRecord, WebhookIntake } from '../intake/webhook-intake';
import { clientAddress, isAllowed, CidrRange } from '../network';
import { ShopifyDelivery, shopifyDeliveryOf } from '../shopify/shopify-delivery';
import { verifyShopifyHmac } from '../shopify/shopify-signature';
import { VerifiedSvixDelivery, verifySvixDeliveryAmong } from '../svix/svix-signature';
import { clerkTenantCandidates } from './clerk-tenant-candidates';
import { RequestTrace, startRequestTrace } from './request-trace';
import { WebhookAdmission } from './webhook-admission';
import { ClerkPath, clerkTypeRoutes, mapClerkWebhook, mapShopifyWebhook, ShopifyPath, shopifyTopicRoutes } from '../webhook-mapping';

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

type Source = 'shopify' | 'clerk';

/** What the router learns of a request as it goes: its log line, its metrics and its history entry. */
interface DeliveryAudit {
  source: Source;
  tenant?: string;
  topic?: string;
  webhookId?: string;
  shopifyEventId?: string;
  triggeredAt?: string;
  svixId?: string;
  deliveryKey?: string;
  subjectId?: string;
  eventId?: string;
  /** What the intake did with it; none when it was refused. */
  outcome?: string;
  /** A refusal's code and message. */
  code?: string;
  detail?: string;
}

const auditOf = (res: Response): DeliveryAudit => res.locals.audit as DeliveryAudit;

/** Headers that prove or grant something: never archived, never logged. */
const secretHeaders = new Set([
  'x-shopify-hmac-sha256',
  'shopify-hmac-sha256',
  'svix-signature',
  'webhook-signature',
  'authorization',
  'cookie',
  'x-api-key',
]);

/**
 * Every webhook endpoint. For each request, in order: the sender's address, the content type and
 * size, the tenant and the signature (before the body is parsed or trusted), the topic, the body's
 * fields; then the delivery is made durable (Kafka, or the spool) before the 200.
 */
export function createWebhookRouter(options: WebhookRouterOptions): Router {
  const router = Router();
  const now = options.now ?? Date.now;
  const rawBody = express.raw({ type: () => true, limit: options.bodyLimitBytes });
  const audited = (source: Source) => (req: Request, res: Response, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();
    const receivedAt = new Date(now());
    const requestTrace = startRequestTrace(req.method, String(req.route?.path ?? req.path), req.headers);
    res.locals.trace = requestTrace;
    const audit: DeliveryAudit = { source };
    res.locals.audit = audit;
    const client = clientAddress(req.socket.remoteAddress ?? '', req.header('x-forwarded-for'), options.trustedProxies);
    res.on('finish', () => {
      requestTrace.end(res.statusCode);
      const latencySeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const outcome = deliveryOutcome(audit.outcome);
      options.metrics.ackDuration.observe({ source, outcome }, latencySeconds);
      options.metrics.deliveries.inc({ source, topic: topicLabel(source, audit.topic), outcome });
      options.logger.info(
        {
          requestId: res.locals.requestId,
          ...requestTrace.logFields,
          ...audit,
          outcome: audit.outcome ?? 'rejected',
          status: res.statusCode,
          latencyMs: Math.round(latencySeconds * 1e5) / 100,
        },
        'webhook request',
      );
      options.history.record(
        historyEntryOf(req, res.statusCode, audit, { receivedAt, sourceAddress: client, requestId: String(res.locals.requestId) }),
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

  const shopify = (path: ShopifyPath | undefined) => async (req: Request, res: Response) => {
    const delivery = verifyShopify(req, res, path);
    const event = mapShopifyWebhook(delivery.topic, parseExactJson(req.body as Buffer), delivery);
    await accept(req, res, 'shopify', event, {
      deliveryKey: deliveryKeyOf('shopify', delivery.shopDomain, delivery.webhookId),
      deliveryId: delivery.webhookId,
      sourceEventId: delivery.eventId,
      topic: delivery.topic,
      tenantId: delivery.tenantId,
    });
  };

  const clerk = (path: ClerkPath | undefined) => async (req: Request, res: Response) => {
    const signed = verifyClerk(req, res);
    const payload = parseExactJson(req.body as Buffer);
    const delivery = clerkDeliveryOf(req, res, path, signed, payload);
    const event = mapClerkWebhook(delivery.type, payload, delivery);
    await accept(req, res, 'clerk', event, {
      deliveryKey: deliveryKeyOf('clerk', delivery.tenantId, delivery.svixId),
      deliveryId: delivery.svixId,
      sourceEventId: delivery.svixId,
      topic: delivery.type,
      tenantId: delivery.tenantId,
    });
  };

  function verifyShopify(req: Request, res: Response, path: ShopifyPath | undefined): ShopifyDelivery {
    const shopDomain = req.header('x-shopify-shop-domain');
    const tenant: Tenant | undefined = shopDomain ? options.tenants.byShopDomain(shopDomain) : undefined;
    if (!tenant) throw new PlatformError(`unknown shop "${shopDomain ?? ''}"`, { code: 'shopify.unknown_shop', category: 'unauthorized' });
    auditOf(res).tenant = tenant.id;
    if (
      !verifyShopifyHmac(
        req.body as Buffer,
        req.header('x-shopify-hmac-sha256') ?? req.header('shopify-hmac-sha256'),
        tenant.shopifyWebhookSecrets,
      )
    ) {
      throw new PlatformError('X-Shopify-Hmac-Sha256 is missing or does not match the body', {
        code: 'shopify.signature_invalid',
        category: 'unauthorized',
      });
    }
    const topic = req.header('x-shopify-topic') ?? '';
    const webhookId = req.header('x-shopify-webhook-id');
    Object.assign(auditOf(res), {
      topic,
      webhookId,
      shopifyEventId: req.header('x-shopify-event-id'),
      triggeredAt: req.header('x-shopify-triggered-at'),
    });
    const route = shopifyTopicRoutes[topic];
    if (!route) throw new PlatformError(`topic "${topic}" is not supported`, { code: 'shopify.topic_not_supported', category: 'invalid' });
    if (path && !route.paths.includes(path)) {
      throw new PlatformError(`topic "${topic}" does not belong on ${req.path}`, {
        code: 'shopify.topic_not_accepted',
        category: 'invalid',
        details: { acceptedPaths: route.paths.map((candidate) => `/webhooks/shopify/${candidate}`) },
      });
    }
    if (!webhookId)
      throw new PlatformError('X-Shopify-Webhook-Id header is required', {
        code: 'shopify.header_missing',
        category: 'invalid',
        details: { header: 'X-Shopify-Webhook-Id' },
      });
    const triggeredAt = req.header('x-shopify-triggered-at');
    if (options.shopifyMaxAgeMs !== undefined && triggeredAt) {
      const ageMs = now() - Date.parse(triggeredAt);
      if (Number.isNaN(ageMs) || ageMs > options.shopifyMaxAgeMs) {
        throw new PlatformError(`delivery triggered at ${triggeredAt} is older than the configured ${options.shopifyMaxAgeMs} ms`, {
          code: 'shopify.delivery_too_old',
          category: 'invalid',
        });
      }
    }
    return shopifyDeliveryOf(tenant, {
      topic,
      webhookId,
      header: (name) => req.header(name),
      receivedAt: now(),
      requestId: String(res.locals.requestId),
    });
  }

  /**
   * The tenant whose secret signed the delivery, verified before the body is parsed: `?tenant=`
   * names it, or the raw bytes' instance ids name the candidates, each tried in turn.
   */
  function verifyClerk(req: Request, res: Response): SignedClerkDelivery {
    const tenantHint = typeof req.query.tenant === 'string' ? req.query.tenant : undefined;
    const named =
      tenantHint !== undefined
        ? [options.tenants.byId(tenantHint)].filter((tenant) => tenant !== undefined)
        : clerkTenantCandidates(req.body as Buffer, options.tenants);
    const candidates = named.filter((tenant) => tenant.clerkSigningSecrets.length > 0);
    if (candidates.length === 0) {
      const message =
        tenantHint !== undefined
          ? `?tenant=${tenantHint} names no tenant with Clerk signing secrets`
          : 'no instance_id in the body names a tenant with Clerk signing secrets';
      throw new PlatformError(message, { code: 'clerk.unknown_tenant', category: 'unauthorized' });
    }
    auditOf(res).tenant = candidates.map((tenant) => tenant.id).join(',');
    const verified = verifySvixDeliveryAmong(
      req.body as Buffer,
      { get: (name) => req.header(name) },
      candidates.map((tenant) => tenant.clerkSigningSecrets),
      { now, toleranceSeconds: options.svixToleranceSeconds },
    );
    const tenant = candidates[verified.signer];
    auditOf(res).tenant = tenant.id;
    return { tenant, hinted: tenantHint !== undefined, verified };
  }

  function clerkDeliveryOf(
    req: Request,
    res: Response,
    path: ClerkPath | undefined,
    { tenant, hinted, verified }: SignedClerkDelivery,
    payload: unknown,
  ): ClerkDelivery {
    const instanceId = clerkInstanceIdOf(payload);
    const owner = instanceId === null ? undefined : options.tenants.byClerkInstanceId(instanceId);
    // Named by ?tenant=, the body may name an instance no tenant lists (the hint skips the lookup),
    // never another tenant's; otherwise the top-level instance_id must be the signing tenant's.
    if (hinted ? owner !== undefined && owner !== tenant : owner !== tenant) {
      throw new PlatformError(
        `the delivery is signed with tenant ${tenant.id}'s secret, but its instance_id "${instanceId ?? ''}" is not one of that tenant's`,
        {
          code: 'clerk.instance_mismatch',
          category: 'invalid',
        },
      );
    }
    const type = typeof payload === 'object' && payload !== null ? String((payload as { type?: unknown }).type ?? '') : '';
    Object.assign(auditOf(res), { topic: type, svixId: verified.messageId });
    const route = clerkTypeRoutes[type];
    if (!route) throw new PlatformError(`event type "${type}" is not supported`, { code: 'clerk.type_not_supported', category: 'invalid' });
    if (path && !route.paths.includes(path)) {
      throw new PlatformError(`event type "${type}" does not belong on ${req.path}`, {
        code: 'clerk.type_not_accepted',
        category: 'invalid',
        details: { acceptedPaths: route.paths.map((candidate) => `/webhooks/clerk/${candidate}`) },
      });
    }
    return {
      tenantId: tenant.id,
      type,
      svixId: verified.messageId,
      svixTimestamp: verified.timestamp,
      receivedAt: now(),
      requestId: String(res.locals.requestId),
    };
  }

  async function accept(
    req: Request,
    res: Response,
    source: Source,
    event: OutgoingEvent<unknown>,
    delivery: { deliveryKey: string; deliveryId: string; sourceEventId: string | null; topic: string; tenantId: string },
  ): Promise<void> {
    const metadata = (event.value as { metadata: EventMetadata }).metadata;
    const deletedClerkUser = event.definition === events.clerkUserDeleted ? (event.value as ClerkUserDeleted).userId : undefined;
    const archived: RawWebhookArchived = {
      metadata: {
        ...metadata,
        eventId: `${metadata.eventId}:raw:${delivery.deliveryId}`,
        eventType: events.rawWebhookArchived.type,
        schemaVersion: events.rawWebhookArchived.schemaVersion,
      },
      source,
      deliveryId: delivery.deliveryId,
      topic: delivery.topic,
      headers: archivableHeaders(req),
      // A deletion names the user and nothing else about them: kept plain, it can be replayed after the erasure.
      ...(deletedClerkUser !== undefined
        ? { body: req.body as Buffer, bodySealedFor: null }
        : await options.archiveSealing.seal(bodyOwnerOf(source, delivery.tenantId, event), req.body as Buffer)),
    };
    const traceContext = (res.locals.trace as RequestTrace).context;
    const records: OutgoingRecord[] = [
      await encode(events.rawWebhookArchived, archived, {}, traceContext),
      await encode(event.definition, event.value, { 'correlation-id': metadata.correlationId }, traceContext),
    ];
    const subjectId = event.definition.keyOf(event.value);
    Object.assign(auditOf(res), { deliveryKey: delivery.deliveryKey, subjectId });
    const outcome = await options.intake.accept(
      { ...delivery, source, eventId: metadata.eventId, subjectId, requestId: String(res.locals.requestId) },
      records,
    );
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
    Object.assign(auditOf(res), { outcome: outcome.status, eventId: metadata.eventId });
    res.status(200).json({ eventId: metadata.eventId, ...outcome });
  }

  async function encode<T>(
    definition: OutgoingEvent<T>['definition'],
    value: T,
    headers: Record<string, string>,
    traceContext: Context,
  ): Promise<OutgoingRecord> {
    return {
      topic: definition.topic,
      key: definition.keyOf(value),
      value: await options.codec.encode(definition, value),
      headers: eventHeaders(definition.type, headers, traceContext),
    };
  }

  const handle = (source: Source, handler: (req: Request, res: Response) => Promise<void>) => [
    audited(source),
    rawBody,
    (req: Request, res: Response, next: NextFunction) => handler(req, res).catch(next),
  ];

  router.post('/webhooks/shopify', ...handle('shopify', shopify(undefined)));
  for (const path of ['order', 'order/cancelled', 'refund', 'inventory', 'product'] as const)
    router.post(`/webhooks/shopify/${path}`, ...handle('shopify', shopify(path)));
  router.post('/webhooks/clerk', ...handle('clerk', clerk(undefined)));
  for (const path of ['user', 'user/updated'] as const) router.post(`/webhooks/clerk/${path}`, ...handle('clerk', clerk(path)));
  // Counts and annotates every refusal (ours and the body parser's) before the app's problem handler answers.
  router.use('/webhooks', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const audit = res.locals.audit as DeliveryAudit | undefined;
    const problem = toPlatformError(fromBodyParser(error));
    if (audit) {
      Object.assign(audit, { code: problem.code, detail: problem.message });
      options.metrics.rejections.inc({ source: audit.source, reason: problem.code });
    }
    if (problem.category === 'dependency' || problem.httpStatus === 503 || problem.httpStatus === 429) res.setHeader('Retry-After', '5');
    next(error);
  });
  return router;
}

/** The metrics' name for what the intake did with a delivery; no outcome means it was refused. */
function deliveryOutcome(status: unknown): DeliveryOutcome {
  switch (status) {
    case 'published':
    case 'published_without_dedupe':
      return 'accepted';
    case 'duplicate':
    case 'spooled':
      return status;
    default:
      return 'rejected';
  }
}

/** The history's name for what became of a request: anything answered with an error was refused. */
function historyOutcomeOf(status: number, intakeStatus: string | undefined): HistoryOutcome {
  if (status >= 400) return 'rejected';
  switch (intakeStatus) {
    case 'published':
    case 'published_without_dedupe':
      return 'published';
    case 'duplicate':
    case 'spooled':
      return intakeStatus;
    default:
      return 'rejected';
  }
}

/**
 * A request's history entry. The delivery id and topic are what the sender claimed, verified or
 * not: an operator looks a refused delivery up by the id the sender's dashboard shows.
 */
function historyEntryOf(
  req: Request,
  status: number,
  audit: DeliveryAudit,
  at: { receivedAt: Date; sourceAddress: string; requestId: string },
) {
  const outcome = historyOutcomeOf(status, audit.outcome);
  const claimedId =
    audit.source === 'shopify'
      ? (audit.webhookId ?? req.header('x-shopify-webhook-id'))
      : (audit.svixId ?? req.header('svix-id') ?? req.header('webhook-id'));
  return {
    ...at,
    source: audit.source,
    tenantId: audit.tenant ?? null,
    topic: audit.topic ?? (audit.source === 'shopify' ? req.header('x-shopify-topic') : undefined) ?? null,
    deliveryId: claimedId ?? null,
    deliveryKey: outcome === 'rejected' ? null : (audit.deliveryKey ?? null),
    subjectId: audit.subjectId ?? null,
    eventId: audit.eventId ?? null,
    outcome,
    reason: outcome === 'rejected' ? (audit.code ?? `http.status_${status}`) : null,
    detail: outcome === 'rejected' ? (audit.detail?.slice(0, 1000) ?? null) : null,
    httpStatus: status,
    headers: archivableHeaders(req),
  };
}

/** A topic we take names itself; any other is one label, so a sender cannot mint label values. */
function topicLabel(source: Source, topic: unknown): string {
  if (typeof topic !== 'string') return 'none';
  const routes: Record<string, unknown> = source === 'shopify' ? shopifyTopicRoutes : clerkTypeRoutes;
  return Object.hasOwn(routes, topic) ? topic : 'unsupported';
}

interface SignedClerkDelivery {
  tenant: Tenant;
  /** Whether `?tenant=` named the tenant, rather than the body's instance ids. */
  hinted: boolean;
  verified: VerifiedSvixDelivery;
}

function archivableHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || secretHeaders.has(name.toLowerCase())) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** A Clerk body is its user's personal data; a Shopify body, its store's customers'. */
function bodyOwnerOf(source: Source, tenantId: string, event: OutgoingEvent<unknown>): BodyOwner {
  if (source === 'shopify') return { source, tenantId };
  // The record key of every Clerk event is its user's id.
  return { source, clerkUserId: event.definition.keyOf(event.value) };
}
