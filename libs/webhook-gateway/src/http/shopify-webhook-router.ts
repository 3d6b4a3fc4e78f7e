import express, { NextFunction, Request, Response, Router } from 'express';
import { events } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventPublisher } from '@consign/kafka';
import { Logger } from '@consign/service-runtime';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { parseExactJson } from '../exact-json';
import { mapOrderCreated } from '../shopify/order-mapping';
import { ShopifyDelivery } from '../shopify/shopify-delivery';
import { verifyShopifyHmac } from '../shopify/shopify-signature';

export interface ShopifyWebhookRouterOptions {
  tenants: TenantDirectory;
  publisher: EventPublisher;
  logger: Logger;
  bodyLimitBytes: number;
}

/** Topics each path accepts; anything else sent there is a misconfigured webhook subscription. */
const orderTopics = new Set(['orders/create']);

export function createShopifyWebhookRouter(options: ShopifyWebhookRouterOptions): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: options.bodyLimitBytes });

  router.post('/webhooks/shopify/order', requireJson, rawBody, async (req: Request, res: Response, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();
    try {
      const delivery = verifyDelivery(req, res, options.tenants, orderTopics);
      const event = mapOrderCreated(parseExactJson(req.body as Buffer), delivery);
      const published = await options.publisher
        .publish({ definition: events.shopifyOrderCreated, value: event, headers: { 'correlation-id': delivery.requestId } })
        .catch((error: unknown) => {
          throw new PlatformError('the event could not be stored; retry later', {
            code: 'gateway.unavailable',
            category: 'dependency',
            cause: error,
          });
        });
      options.logger.info(
        {
          requestId: delivery.requestId,
          source: 'shopify',
          tenant: delivery.tenantId,
          topic: delivery.topic,
          webhookId: delivery.webhookId,
          eventId: event.metadata.eventId,
          outcome: 'published',
          status: 200,
          latencyMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
        },
        'webhook accepted',
      );
      res.status(200).json({ status: 'accepted', eventId: event.metadata.eventId, published });
    } catch (error) {
      if (error instanceof PlatformError && error.category === 'dependency') res.setHeader('Retry-After', '5');
      options.logger.info(
        {
          requestId: res.locals.requestId,
          source: 'shopify',
          topic: req.header('x-shopify-topic'),
          webhookId: req.header('x-shopify-webhook-id'),
          outcome: 'rejected',
          code: error instanceof PlatformError ? error.code : 'internal.unexpected',
          latencyMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
        },
        'webhook rejected',
      );
      next(error);
    }
  });
  return router;
}

function requireJson(req: Request, _res: Response, next: NextFunction): void {
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
  next();
}

/** Checks, in order: the tenant, the signature (before anything trusts the body), then the headers the event needs. */
function verifyDelivery(req: Request, res: Response, tenants: TenantDirectory, acceptedTopics: Set<string>): ShopifyDelivery {
  const shopDomain = req.header('x-shopify-shop-domain');
  const tenant: Tenant | undefined = shopDomain ? tenants.byShopDomain(shopDomain) : undefined;
  if (!tenant) {
    throw new PlatformError(`unknown shop "${shopDomain ?? ''}"`, { code: 'shopify.unknown_shop', category: 'unauthorized' });
  }
  if (!verifyShopifyHmac(req.body as Buffer, req.header('x-shopify-hmac-sha256'), tenant.shopifyWebhookSecrets)) {
    throw new PlatformError('X-Shopify-Hmac-Sha256 is missing or does not match the body', {
      code: 'shopify.signature_invalid',
      category: 'unauthorized',
    });
  }
  const topic = req.header('x-shopify-topic');
  if (!topic || !acceptedTopics.has(topic)) {
    throw new PlatformError(`topic "${topic ?? ''}" is not accepted on ${req.path}`, {
      code: 'shopify.topic_not_accepted',
      category: 'invalid',
      details: { acceptedTopics: [...acceptedTopics] },
    });
  }
  const webhookId = req.header('x-shopify-webhook-id');
  if (!webhookId) {
    throw new PlatformError('X-Shopify-Webhook-Id header is required', { code: 'shopify.header_missing', category: 'invalid', details: { header: 'X-Shopify-Webhook-Id' } });
  }
  return {
    tenantId: tenant.id,
    shopDomain: tenant.shopDomain,
    topic,
    webhookId,
    eventId: req.header('x-shopify-event-id') ?? null,
    triggeredAt: req.header('x-shopify-triggered-at') ?? null,
    receivedAt: Date.now(),
    requestId: String(res.locals.requestId),
  };
}
