import { PlatformError } from '@consign/errors';
import { OutgoingEvent } from '@consign/kafka';
import { TenantDirectory } from '@consign/tenants';
import { ClerkDelivery } from '../clerk/clerk-delivery';
import { parseExactJson } from '../exact-json';
import { deliveryKeyOf } from '../intake/delivery-store';
import { shopifyDeliveryOf } from '../shopify/shopify-delivery';
import { mapClerkWebhook, mapShopifyWebhook } from '../webhook-mapping';

/** A verified delivery as the raw archive (RawWebhookArchived) holds it. */
export interface ArchivedDelivery {
  source: 'shopify' | 'clerk';
  /** X-Shopify-Webhook-Id or svix-id. */
  deliveryId: string;
  /** The Shopify topic or the Clerk event type. */
  topic: string;
  tenantId: string;
  /** When the gateway first received it (the archived metadata's receivedAt), epoch milliseconds. */
  receivedAt: number;
  /** Lower-cased names; the signature headers were never archived. */
  headers: Record<string, string>;
  body: Buffer;
  /** The original request's id (the archived metadata's correlationId). */
  correlationId: string;
}

/**
 * Maps an archived delivery exactly as the live endpoint mapped it: the same delivery description
 * from the same headers, the same route table and mapping, hence the same event and event id.
 * There is no signature to check (only verified deliveries were archived) and no dedupe (repeating
 * the event is the point). Throws the mapping's PlatformError when the delivery no longer maps.
 */
export function mapArchivedDelivery(
  archived: ArchivedDelivery,
  tenants: TenantDirectory,
): { event: OutgoingEvent<unknown>; deliveryKey: string } {
  const tenant = tenants.requireById(archived.tenantId);
  const header = (name: string): string | undefined => (Object.hasOwn(archived.headers, name) ? archived.headers[name] : undefined);
  const payload = parseExactJson(archived.body);
  if (archived.source === 'shopify') {
    const delivery = shopifyDeliveryOf(tenant, {
      topic: archived.topic,
      webhookId: archived.deliveryId,
      header,
      receivedAt: archived.receivedAt,
      requestId: archived.correlationId,
    });
    return {
      event: mapShopifyWebhook(archived.topic, payload, delivery),
      deliveryKey: deliveryKeyOf('shopify', tenant.shopDomain, archived.deliveryId),
    };
  }
  const delivery: ClerkDelivery = {
    tenantId: tenant.id,
    type: archived.topic,
    svixId: archived.deliveryId,
    svixTimestamp: svixTimestampOf(header('svix-timestamp') ?? header('webhook-timestamp')),
    receivedAt: archived.receivedAt,
    requestId: archived.correlationId,
  };
  return { event: mapClerkWebhook(archived.topic, payload, delivery), deliveryKey: deliveryKeyOf('clerk', tenant.id, archived.deliveryId) };
}

/** The live endpoint verified this header; a Clerk mapping may fall back to it for when the event occurred. */
function svixTimestampOf(text: string | undefined): number {
  const timestamp = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(timestamp)) {
    throw new PlatformError(`the archived headers hold no valid svix-timestamp (got "${text ?? ''}")`, {
      code: 'replay.archived_header_invalid',
      category: 'invalid',
      details: { header: 'svix-timestamp' },
    });
  }
  return timestamp;
}
