import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type } from 'avsc';
import { avroSchemas, deterministicEventId, EventMetadata, EventSchemaName, events, RawWebhookArchived } from '@consign/contracts';
import { clerkUserSubject, shopifyStoreSubject } from '@consign/personal-data';
import { developmentTenants, Tenant, TenantDirectory } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import {
  ArchivedDelivery,
  clerkInstanceIdOf,
  clerkTypeRoutes,
  mapArchivedDelivery,
  parseExactJson,
  shopifyTopicRoutes,
  signShopifyBody,
  signSvixBody,
} from '@consign/webhook-gateway';
import { DocumentedRecord, DocumentedWebhook, payloadExamples } from './payload-examples-page';

const examples = payloadExamples(readFileSync(resolve(__dirname, '../payload-examples.md'), 'utf8'));
const tenants = new TenantDirectory(developmentTenants);

/** receivedAt differs per delivery, so each example is fixed to arrive this long after its sender's timestamp. */
const arrivalDelayMs = 120;

/** What the gateway reads from a request before it maps the body. */
interface Delivery {
  source: 'shopify' | 'clerk';
  topic: string;
  deliveryId: string;
  tenant: Tenant;
  /** The header that signs the body, and what the tenant's current secret makes of it. */
  signature: { header: string; expected: string };
  /** When the sender says it sent the request, epoch milliseconds. */
  sentAt: number;
}

function header(webhook: DocumentedWebhook, name: string): string {
  const value = webhook.headers[name];
  if (value === undefined) throw new Error(`the webhook to ${webhook.path} has no ${name} header`);
  return value;
}

function tenantOf(found: Tenant | undefined, what: string): Tenant {
  if (!found) throw new Error(`no development tenant has ${what}`);
  return found;
}

function deliveryOf(webhook: DocumentedWebhook): Delivery {
  if (webhook.path.startsWith('/webhooks/shopify')) {
    const shopDomain = header(webhook, 'x-shopify-shop-domain');
    const tenant = tenantOf(tenants.byShopDomain(shopDomain), `the shop ${shopDomain}`);
    return {
      source: 'shopify',
      topic: header(webhook, 'x-shopify-topic'),
      deliveryId: header(webhook, 'x-shopify-webhook-id'),
      tenant,
      signature: { header: 'x-shopify-hmac-sha256', expected: signShopifyBody(webhook.body, tenant.shopifyWebhookSecrets[0]) },
      sentAt: Date.parse(header(webhook, 'x-shopify-triggered-at')),
    };
  }
  if (!webhook.path.startsWith('/webhooks/clerk')) throw new Error(`${webhook.path} is not a webhook path of the gateway`);
  // As the gateway does: the envelope names the Clerk instance, and so the tenant whose secret signs it.
  const envelope = parseExactJson(webhook.body) as { type?: unknown };
  const instanceId = clerkInstanceIdOf(envelope);
  const tenant = tenantOf(instanceId === null ? undefined : tenants.byClerkInstanceId(instanceId), `the Clerk instance ${instanceId}`);
  const svixId = header(webhook, 'svix-id');
  const svixTimestamp = Number(header(webhook, 'svix-timestamp'));
  return {
    source: 'clerk',
    topic: String(envelope.type),
    deliveryId: svixId,
    tenant,
    signature: { header: 'svix-signature', expected: signSvixBody(webhook.body, tenant.clerkSigningSecrets[0], svixId, svixTimestamp) },
    sentAt: svixTimestamp * 1000,
  };
}

/**
 * The request as the gateway archives it, with fixed per-delivery inputs (the gateway's request id
 * is random; here one is made up per delivery). The archive's mapping builds the delivery from
 * these headers exactly as the live endpoint does, which replay relies on.
 */
function archivedDeliveryOf(webhook: DocumentedWebhook): ArchivedDelivery {
  const delivery = deliveryOf(webhook);
  return {
    source: delivery.source,
    deliveryId: delivery.deliveryId,
    topic: delivery.topic,
    tenantId: delivery.tenant.id,
    receivedAt: delivery.sentAt + arrivalDelayMs,
    headers: Object.fromEntries(Object.entries(webhook.headers).filter(([name]) => name !== delivery.signature.header)),
    body: webhook.body,
    correlationId: deterministicEventId('docs/payload-examples', delivery.deliveryId),
  };
}

/** The record as documented: schema, topic and key named in the lead-in, and the value. */
function mappedRecord(archived: ArchivedDelivery): DocumentedRecord {
  const { event } = mapArchivedDelivery(archived, tenants);
  return {
    schemaName: event.definition.schemaName,
    topic: event.definition.topic.name,
    key: event.definition.keyOf(event.value),
    value: event.value,
  };
}

/**
 * Written and read back with avsc as the platform's codec does (default options), as the page shows
 * it: plain JSON, Avro `bytes` as UTF-8 text. Fails naming each field the schema refuses.
 */
function throughAvro(schemaName: string, value: unknown): unknown {
  if (!Object.hasOwn(avroSchemas, schemaName)) throw new Error(`${schemaName} is not a schema of libs/platform/contracts/schemas`);
  const type = Type.forSchema(avroSchemas[schemaName as EventSchemaName] as never);
  const refused: string[] = [];
  type.isValid(value, { noUndeclaredFields: true, errorHook: (path) => refused.push(path.join('.')) });
  expect(refused).toEqual([]);
  // Through JSON, since avsc reads records back as instances of its own classes; by then a Buffer is { type, data }.
  return JSON.parse(
    JSON.stringify(type.fromBuffer(type.toBuffer(value)), (_field, read: unknown) =>
      isSerialisedBuffer(read) ? Buffer.from(read.data).toString('utf8') : read,
    ),
  );
}

function isSerialisedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}

/** The archive shows its Avro `bytes` body opened, as UTF-8 text. */
type DocumentedArchive = Omit<RawWebhookArchived, 'body'> & { body: string };

/**
 * Where a trimmed body departs from the capture it was trimmed from: fields the capture lacks and
 * values that differ. Array elements may be left out, not reordered. The captures went through
 * JSON.parse, which rounded ids above 2^53: an exact id matches the capture's rounding of it.
 */
function departures(trimmed: unknown, captured: unknown, path: string): string[] {
  if (typeof trimmed === 'bigint') return typeof captured === 'number' && Number(trimmed) === captured ? [] : [path];
  if (Array.isArray(trimmed)) {
    if (!Array.isArray(captured)) return [path];
    let next = 0;
    return trimmed.flatMap((element, index) => {
      const match = captured.findIndex((candidate, at) => at >= next && departures(element, candidate, '').length === 0);
      if (match < 0) return [`${path}[${index}]`];
      next = match + 1;
      return [];
    });
  }
  if (typeof trimmed === 'object' && trimmed !== null) {
    if (typeof captured !== 'object' || captured === null || Array.isArray(captured)) return [path];
    return Object.entries(trimmed).flatMap(([field, value]) =>
      Object.hasOwn(captured, field)
        ? departures(value, (captured as Record<string, unknown>)[field], `${path}.${field}`)
        : [`${path}.${field}`],
    );
  }
  return Object.is(trimmed, captured) ? [] : [path];
}

describe('docs/payload-examples.md', () => {
  it('has one example for each Shopify topic and Clerk event type the gateway routes', () => {
    const documented = examples.map(({ webhook }) => deliveryOf(webhook)).map(({ source, topic }) => `${source} ${topic}`);
    const routed = [
      ...Object.keys(shopifyTopicRoutes).map((topic) => `shopify ${topic}`),
      ...Object.keys(clerkTypeRoutes).map((type) => `clerk ${type}`),
    ];
    expect(documented.sort()).toEqual(routed.sort());
  });

  describe.each(examples.map((example) => [example.name, example] as const))('%s', (_name, { webhook, event, archive }) => {
    it('is sent to a path that accepts its topic', () => {
      const { source, topic } = deliveryOf(webhook);
      const route = source === 'shopify' ? shopifyTopicRoutes[topic] : clerkTypeRoutes[topic];
      // The routing endpoint takes every topic of its sender; the others only their own.
      expect([`/webhooks/${source}`, ...(route?.paths ?? []).map((path) => `/webhooks/${source}/${path}`)]).toContain(webhook.path);
    });

    it("is signed with the development tenant's secret", () => {
      const { signature } = deliveryOf(webhook);
      expect({ [signature.header]: webhook.headers[signature.header] }).toEqual({ [signature.header]: signature.expected });
    });

    it('becomes the event shown, on its topic under its key', () => {
      expect(event).toStrictEqual(mappedRecord(archivedDeliveryOf(webhook)));
    });

    it('shows an event that its Avro schema reads back unchanged', () => {
      expect(throughAvro(event.schemaName, event.value)).toStrictEqual(event.value);
    });

    if (webhook.fixture !== null) {
      const fixture = webhook.fixture;
      it(`is trimmed from ${fixture}`, () => {
        const capture: unknown = JSON.parse(readFixture(fixture.replace(/^fixtures\//, '')).toString('utf8'));
        expect(departures(parseExactJson(webhook.body), capture, 'body')).toEqual([]);
      });
    }

    if (archive !== null) {
      describe('archive record', () => {
        const record = archive.value as DocumentedArchive;

        // The router builds this record inline (webhook-router.ts, not exported), so its rule is restated here.
        it('is what the gateway archives for the webhook', () => {
          const archived = archivedDeliveryOf(webhook);
          const metadata = (mappedRecord(archived).value as { metadata: EventMetadata }).metadata;
          const expected: RawWebhookArchived = {
            metadata: {
              ...metadata,
              eventId: `${metadata.eventId}:raw:${archived.deliveryId}`,
              eventType: events.rawWebhookArchived.type,
              schemaVersion: events.rawWebhookArchived.schemaVersion,
            },
            source: archived.source,
            deliveryId: archived.deliveryId,
            topic: archived.topic,
            headers: archived.headers,
            body: archived.body,
            // The router's rule (ArchiveSealing): a store's key for Shopify, the user's for Clerk, none for a deletion.
            bodySealedFor:
              archived.source === 'shopify'
                ? shopifyStoreSubject(archived.tenantId)
                : archived.topic === 'user.deleted'
                  ? null
                  : clerkUserSubject(mappedRecord(archived).key),
          };
          const definition = events.rawWebhookArchived;
          expect(archive).toStrictEqual({
            schemaName: definition.schemaName,
            topic: definition.topic.name,
            key: definition.keyOf(expected),
            value: { ...expected, body: expected.body.toString('utf8') },
          });
        });

        it('replays to the event shown', () => {
          if (record.source === 'other') throw new Error('the archive record must name its sender');
          const replayed = mappedRecord({
            source: record.source,
            deliveryId: record.deliveryId,
            topic: record.topic,
            tenantId: record.metadata.tenantId,
            receivedAt: record.metadata.receivedAt,
            headers: record.headers,
            body: Buffer.from(record.body, 'utf8'),
            correlationId: record.metadata.correlationId,
          });
          expect(replayed).toStrictEqual(event);
        });

        it('is a record that its Avro schema reads back unchanged', () => {
          expect(throughAvro(archive.schemaName, { ...record, body: Buffer.from(record.body, 'utf8') })).toStrictEqual(record);
        });
      });
    }
  });
});
