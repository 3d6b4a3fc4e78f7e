import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { shopifyApiVersion, shopifyHmacOf, shopifyWebhookTopics, svixSignatureOf } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { Fetch, parseBody } from '../http/admin-client';

/** A delivery signed as its sender would sign it, ready to post to the gateway. */
export interface TestDelivery {
  source: 'shopify' | 'clerk';
  tenantId: string;
  /** Shopify's topic, or the Clerk event's type. */
  topic: string;
  /** X-Shopify-Webhook-Id or svix-id: what `ops status` takes. */
  deliveryId: string;
  /** Path and query on the gateway. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface TestDeliveryRequest {
  body: Buffer;
  /** The file the body came from: a Shopify topic may be read from its name. */
  fileName: string;
  topic?: string;
  tenantId?: string;
}

export interface TestDeliveryAnswer {
  status: number;
  /** The gateway's answer: its problem body on a refusal. */
  body: unknown;
}

/**
 * Signs a webhook body for the gateway as Shopify or Svix (Clerk) would: a Clerk event is told by
 * its envelope (`"object": "event"` and a `type`), anything else is a Shopify body, whose topic
 * comes from `topic` or from a file name that starts with it (`orders-create.json`). Every call
 * makes new delivery and event ids, so sending a file twice is two deliveries, as when a merchant
 * presses "send test notification" twice. Signing is written from the senders' documentation, apart
 * from the gateway's verifier, so that a mistake in one is not hidden by the other.
 */
export function prepareTestDelivery(tenants: TenantDirectory, request: TestDeliveryRequest, now = new Date()): TestDelivery {
  const envelope = clerkEnvelopeOf(request.body);
  if (envelope) {
    if (request.topic !== undefined)
      throw invalid(
        `--topic is for Shopify bodies; this is a Clerk ${envelope.type} event, whose type is in the body`,
        'operations.test_delivery_invalid',
      );
    const tenant =
      request.tenantId !== undefined
        ? tenantById(tenants, request.tenantId)
        : envelope.instanceId !== undefined
          ? tenants.byClerkInstanceId(envelope.instanceId)
          : onlyTenant(tenants);
    if (!tenant)
      throw invalid(
        `${envelope.instanceId === undefined ? 'the event names no Clerk instance and several tenants are configured' : `no tenant knows Clerk instance ${envelope.instanceId}`}; name one with --tenant (${tenantList(tenants)})`,
        'tenant.unknown',
      );
    const secret = tenant.clerkSigningSecrets[0];
    if (!secret) throw invalid(`tenant ${tenant.id} has no Clerk signing secret`, 'operations.test_delivery_invalid');
    const messageId = `msg_${randomUUID().replaceAll('-', '')}`;
    const timestamp = Math.floor(now.getTime() / 1000);
    return {
      source: 'clerk',
      tenantId: tenant.id,
      topic: envelope.type,
      deliveryId: messageId,
      // The instance id picks the tenant; a tenant named on the command line is passed on.
      path: request.tenantId !== undefined ? `/webhooks/clerk?tenant=${encodeURIComponent(tenant.id)}` : '/webhooks/clerk',
      headers: {
        'content-type': 'application/json',
        'svix-id': messageId,
        'svix-timestamp': String(timestamp),
        'svix-signature': svixSignatureOf(request.body, secret, messageId, timestamp),
      },
      body: request.body,
    };
  }

  const topic = request.topic ?? topicFromFileName(request.fileName);
  if (topic === undefined) {
    throw invalid(
      `give the Shopify topic with --topic (one of ${shopifyWebhookTopics.join(', ')}): the file name ${basename(request.fileName)} does not start with one`,
      'operations.test_delivery_invalid',
    );
  }
  const tenant = request.tenantId !== undefined ? tenantById(tenants, request.tenantId) : onlyTenant(tenants);
  if (!tenant) throw invalid(`several tenants are configured; name one with --tenant (${tenantList(tenants)})`, 'tenant.unknown');
  const secret = tenant.shopifyWebhookSecrets[0];
  if (!secret) throw invalid(`tenant ${tenant.id} has no Shopify webhook secret`, 'operations.test_delivery_invalid');
  const webhookId = randomUUID();
  return {
    source: 'shopify',
    tenantId: tenant.id,
    topic,
    deliveryId: webhookId,
    path: '/webhooks/shopify',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': tenant.shopDomain,
      'x-shopify-api-version': shopifyApiVersion,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': now.toISOString(),
      'x-shopify-test': 'true',
      'x-shopify-hmac-sha256': shopifyHmacOf(request.body, secret),
    },
    body: request.body,
  };
}

/** Posts the delivery and returns the gateway's answer, whatever its status. */
export async function sendTestDelivery(gatewayUrl: string, delivery: TestDelivery, fetchImpl: Fetch = fetch): Promise<TestDeliveryAnswer> {
  const target = new URL(delivery.path, gatewayUrl).toString();
  let response: Response;
  try {
    response = await fetchImpl(target, {
      method: 'POST',
      headers: delivery.headers,
      body: new Uint8Array(delivery.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new PlatformError(`gateway is unreachable at ${target}: ${(error as Error).message}`, {
      code: 'operations.service_unreachable',
      category: 'dependency',
      cause: error,
    });
  }
  return { status: response.status, body: parseBody(await response.text()) };
}

/** `orders-create.json`, `orders-create-big.json` → orders/create; the longest matching topic wins. */
export function topicFromFileName(fileName: string): string | undefined {
  const name = basename(fileName)
    .replace(/\.json$/i, '')
    .toLowerCase();
  const matching = shopifyWebhookTopics.filter((topic) => {
    const slug = topic.replace(/[/_]/g, '-');
    return name === slug || name.startsWith(`${slug}-`);
  });
  return matching.sort((a, b) => b.length - a.length)[0];
}

function clerkEnvelopeOf(body: Buffer): { type: string; instanceId: string | undefined } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { object, type, instance_id: instanceId } = parsed as Record<string, unknown>;
  if (object !== 'event' || typeof type !== 'string') return undefined;
  return { type, instanceId: typeof instanceId === 'string' ? instanceId : undefined };
}

function tenantById(tenants: TenantDirectory, tenantId: string): Tenant {
  const tenant = tenants.byId(tenantId);
  if (!tenant) throw invalid(`no tenant ${tenantId}; configured: ${tenantList(tenants)}`, 'tenant.unknown');
  return tenant;
}

function onlyTenant(tenants: TenantDirectory): Tenant | undefined {
  return tenants.tenants.length === 1 ? tenants.tenants[0] : undefined;
}

function tenantList(tenants: TenantDirectory): string {
  return tenants.tenants.map((tenant) => tenant.id).join(', ') || 'none';
}

function invalid(message: string, code: string): PlatformError {
  return new PlatformError(message, { code, category: 'invalid' });
}
