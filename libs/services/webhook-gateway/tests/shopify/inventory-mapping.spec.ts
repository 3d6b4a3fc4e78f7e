import { Type } from 'avsc';
import { avroSchemas } from '@consign/contracts';
import { readFixture } from '@consign/test-support';
import { parseExactJson, mapInventoryLevelUpdated, ShopifyDelivery } from '@consign/webhook-gateway';
import { rejection } from '../support/mapping-assertions';

const delivery: ShopifyDelivery = {
  tenantId: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  topic: 'inventory_levels/update',
  webhookId: '5d0c1f3e-9a59-4c2e-9a4a-0d3c1b1f4e21',
  eventId: '7c2f1a8e-3b1d-4f6a-8e2c-9d4b5a6c7e80',
  triggeredAt: '2026-08-06T15:12:00.000000000Z',
  receivedAt: 1_786_000_100_000,
  requestId: 'req-inv',
  currency: 'USD',
};

const inventoryType = Type.forSchema(avroSchemas.ShopifyInventoryLevelUpdated as never);

function fixtureLevel(): Record<string, unknown> {
  return parseExactJson(readFixture('shopify/inventory-levels-update.json')) as Record<string, unknown>;
}

describe('mapInventoryLevelUpdated', () => {
  it('maps the inventory_levels/update fixture, occurring when the level changed', () => {
    const event = mapInventoryLevelUpdated(fixtureLevel(), delivery);
    expect(event).toMatchObject({
      // The fixture's id went through a double (its admin_graphql_api_id says ...884015): mapped as sent.
      inventoryItemId: '271878346596884000',
      locationId: '24826418',
      available: 10,
      updatedAt: '2021-12-31T19:00:00-05:00',
    });
    expect(event.metadata).toMatchObject({
      eventType: 'shopify.inventory_level.updated',
      schemaVersion: 1,
      occurredAt: Date.parse('2021-12-31T19:00:00-05:00'),
      receivedAt: delivery.receivedAt,
      source: 'shopify',
      tenantId: 'dev-store',
      shopifyWebhookId: delivery.webhookId,
      shopifyEventId: delivery.eventId,
      correlationId: 'req-inv',
    });
    expect(inventoryType.isValid(event)).toBe(true);
  });

  it('keeps an inventory item id above 2^53 exact', () => {
    const body = Buffer.from(
      '{"inventory_item_id":271878346596884015,"location_id":9007199254740993,"available":-2,"updated_at":"2026-02-01T08:00:00+09:00"}',
    );
    const event = mapInventoryLevelUpdated(parseExactJson(body), delivery);
    expect(event.inventoryItemId).toBe('271878346596884015');
    expect(event.locationId).toBe('9007199254740993');
    expect(event.available).toBe(-2);
    expect(inventoryType.isValid(event)).toBe(true);
  });

  it('reads an untracked level (available null) as null', () => {
    const level = fixtureLevel();
    level.available = null;
    const event = mapInventoryLevelUpdated(level, delivery);
    expect(event.available).toBeNull();
    expect(inventoryType.isValid(event)).toBe(true);
  });

  it('derives one event id per Shopify event', () => {
    const first = mapInventoryLevelUpdated(fixtureLevel(), delivery);
    expect(mapInventoryLevelUpdated(fixtureLevel(), { ...delivery, webhookId: 'retry' }).metadata.eventId).toBe(first.metadata.eventId);
    expect(mapInventoryLevelUpdated(fixtureLevel(), { ...delivery, eventId: 'another-event' }).metadata.eventId).not.toBe(
      first.metadata.eventId,
    );
  });

  it.each([
    ['inventory_item_id', (level: Record<string, unknown>) => delete level.inventory_item_id, 'is required'],
    [
      'location_id',
      (level: Record<string, unknown>) => (level.location_id = 'main'),
      'must be an integer id from 1 to 18446744073709551615',
    ],
    [
      'inventory_item_id',
      (level: Record<string, unknown>) => (level.inventory_item_id = 18446744073709551616n),
      'must be an integer id from 1 to 18446744073709551615',
    ],
    ['available', (level: Record<string, unknown>) => (level.available = '10'), 'must be an integer of at least -2147483648'],
    ['available', (level: Record<string, unknown>) => (level.available = 2 ** 31), 'must be an integer of at most 2147483647'],
    ['updated_at', (level: Record<string, unknown>) => delete level.updated_at, 'must be a non-empty string'],
  ])('rejects a body with a missing or malformed %s, naming it', (field, change, expectation) => {
    const level = fixtureLevel();
    change(level);
    const error = rejection(() => mapInventoryLevelUpdated(level, delivery));
    expect(error.message).toBe(`field ${field} ${expectation}`);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});
