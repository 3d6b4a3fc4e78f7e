import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readFixture } from '@consign/test-support';
import { ClerkDelivery, parseExactJson, ShopifyDelivery, mapClerkWebhook, mapShopifyWebhook } from '@consign/webhook-gateway';
import { rejection } from '../support/mapping-assertions';

const pagePath = resolve(__dirname, '../../../../../docs/integration-guide.md');

type Json = Record<string, unknown>;
type Items = Json[];

/** One documented text field: the body to put it in, and how to set it to a text of n characters. */
interface TextField {
  /** The Shopify topic or Clerk event type that carries the field. */
  topic: string;
  fixture: () => Json;
  set: (body: Json, length: number) => void;
  /** The path a refusal names. */
  path: string;
}

const shopifyDelivery: ShopifyDelivery = {
  tenantId: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  currency: 'USD',
  topic: '',
  webhookId: 'b1a20f30-63e1-4a2c-8199-5f4f15b131a2',
  eventId: null,
  triggeredAt: null,
  receivedAt: 1_786_000_000_000,
  requestId: 'req-limits',
};

const clerkDelivery: ClerkDelivery = {
  tenantId: 'dev-store',
  type: '',
  svixId: 'msg_2bVbYQ9kN3fZ1pWn0vJxR4tLc7H',
  svixTimestamp: 1_786_000_000,
  receivedAt: 1_786_000_000_250,
  requestId: 'req-limits',
};

const fixture = (name: string) => (): Json => parseExactJson(readFixture(name)) as Json;
const order = fixture('shopify/orders-create.json');
const product = fixture('shopify/products-create.json');
const clerkUser = fixture('clerk/user-created.json');
const refund = fixture('development/refunds-create.json');

/** The orders fixture with one refund of one line, so that refund fields have a place. */
function refundedOrder(): Json {
  const body = order();
  const lineId = (body.line_items as Items)[0].id;
  body.refunds = [
    {
      id: 509562969,
      created_at: '2021-12-31T19:00:00-05:00',
      note: 'damaged',
      refund_line_items: [{ id: 104689539, line_item_id: lineId, quantity: 1, restock_type: 'return', subtotal: '89.99' }],
    },
  ];
  return body;
}

const text = (length: number): string => 'x'.repeat(length);

/** Comma-separated tags of at most 255 characters each, `length` characters in all. */
const tagList = (length: number): string => `${text(254)},`.repeat(Math.ceil(length / 255)).slice(0, length);

/** An object whose JSON text is `length` characters: `{"k":"…"}` is 8 characters around the value. */
const metadataOf = (length: number): Json => ({ k: text(length - 8) });

const setField =
  (field: string) =>
  (body: Json, length: number): void => {
    body[field] = text(length);
  };
const setEach =
  (array: string, field: string) =>
  (body: Json, length: number): void => {
    for (const item of body[array] as Items) item[field] = text(length);
  };
const setUser =
  (set: (data: Json, length: number) => void) =>
  (body: Json, length: number): void =>
    set(body.data as Json, length);

/** Every row of the page's text table, by its webhook and field cells. */
const textFields: Record<string, TextField> = {
  'orders | `name`': { topic: 'orders/create', fixture: order, set: setField('name'), path: 'name' },
  'orders | `financial_status`': { topic: 'orders/create', fixture: order, set: setField('financial_status'), path: 'financial_status' },
  'orders | `line_items[].title`': {
    topic: 'orders/create',
    fixture: order,
    set: setEach('line_items', 'title'),
    path: 'line_items[0].title',
  },
  'orders | `line_items[].sku`': { topic: 'orders/create', fixture: order, set: setEach('line_items', 'sku'), path: 'line_items[0].sku' },
  'orders/updated | `fulfillment_status`': {
    topic: 'orders/updated',
    fixture: order,
    set: setField('fulfillment_status'),
    path: 'fulfillment_status',
  },
  'orders/updated | `refunds[].note`': {
    topic: 'orders/updated',
    fixture: refundedOrder,
    set: setEach('refunds', 'note'),
    path: 'refunds[0].note',
  },
  'orders/updated | `refunds[].refund_line_items[].restock_type`': {
    topic: 'orders/updated',
    fixture: refundedOrder,
    set: (body, length) => setEach('refund_line_items', 'restock_type')((body.refunds as Items)[0], length),
    path: 'refunds[0].refund_line_items[0].restock_type',
  },
  'orders/cancelled | `cancel_reason`': {
    topic: 'orders/cancelled',
    fixture: order,
    set: setField('cancel_reason'),
    path: 'cancel_reason',
  },
  'refunds/create | `note`': { topic: 'refunds/create', fixture: refund, set: setField('note'), path: 'note' },
  'refunds/create | `refund_line_items[].restock_type`': {
    topic: 'refunds/create',
    fixture: refund,
    set: setEach('refund_line_items', 'restock_type'),
    path: 'refund_line_items[0].restock_type',
  },
  'products | `title`': { topic: 'products/update', fixture: product, set: setField('title'), path: 'title' },
  'products | `handle`': { topic: 'products/update', fixture: product, set: setField('handle'), path: 'handle' },
  'products | `vendor`': { topic: 'products/update', fixture: product, set: setField('vendor'), path: 'vendor' },
  'products | `product_type`': { topic: 'products/update', fixture: product, set: setField('product_type'), path: 'product_type' },
  'products | `status`': { topic: 'products/update', fixture: product, set: setField('status'), path: 'status' },
  'products | `tags`, the whole list': {
    topic: 'products/update',
    fixture: product,
    set: (body, length) => (body.tags = tagList(length)),
    path: 'tags',
  },
  'products | `tags`, each tag': {
    topic: 'products/update',
    fixture: product,
    set: (body, length) => (body.tags = `vintage, ${text(length)}`),
    path: 'tags',
  },
  'products | `variants[].title`': {
    topic: 'products/update',
    fixture: product,
    set: setEach('variants', 'title'),
    path: 'variants[0].title',
  },
  'products | `variants[].sku`': { topic: 'products/update', fixture: product, set: setEach('variants', 'sku'), path: 'variants[0].sku' },
  'Clerk users | `data.first_name`': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser(setField('first_name')),
    path: 'data.first_name',
  },
  'Clerk users | `data.last_name`': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser(setField('last_name')),
    path: 'data.last_name',
  },
  'Clerk users | `data.username`': { topic: 'user.created', fixture: clerkUser, set: setUser(setField('username')), path: 'data.username' },
  'Clerk users | `data.external_id`': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser(setField('external_id')),
    path: 'data.external_id',
  },
  'Clerk users | `data.image_url`': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser(setField('image_url')),
    path: 'data.image_url',
  },
  'Clerk users | `data.primary_email_address_id`': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser((data, length) => {
      data.primary_email_address_id = text(length);
      (data.email_addresses as Items)[0].id = data.primary_email_address_id;
    }),
    path: 'data.primary_email_address_id',
  },
  'Clerk users | `data.email_addresses[].email_address`, the primary one': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser((data, length) => setEach('email_addresses', 'email_address')(data, length)),
    path: 'data.email_addresses[0].email_address',
  },
  'Clerk users | `data.public_metadata`, written as JSON': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser((data, length) => (data.public_metadata = metadataOf(length))),
    path: 'data.public_metadata',
  },
  'Clerk users | `data.unsafe_metadata`, written as JSON': {
    topic: 'user.created',
    fixture: clerkUser,
    set: setUser((data, length) => (data.unsafe_metadata = metadataOf(length))),
    path: 'data.unsafe_metadata',
  },
};

/** The rows of the table headed `| webhook | field | at most |`, as `webhook | field` and the limit. */
function documentedLimits(markdown: string): Map<string, number> {
  const section = /^### What the gateway refuses as invalid$([\s\S]*?)(?=^#{2,3} )/m.exec(markdown)?.[1] ?? '';
  const table = /^\| webhook \| field \| at most \|\n\|[-|]+\|\n((?:\|.*\|\n)+)/m.exec(section)?.[1] ?? '';
  const limits = new Map<string, number>();
  for (const row of table.trimEnd().split('\n')) {
    const [webhook, field, limit] = row
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
    limits.set(`${webhook} | ${field}`, Number(limit.replaceAll(',', '')));
  }
  return limits;
}

function map(field: TextField, body: Json): unknown {
  if (field.topic.startsWith('user.')) return mapClerkWebhook(field.topic, body, { ...clerkDelivery, type: field.topic });
  return mapShopifyWebhook(field.topic, body, { ...shopifyDelivery, topic: field.topic });
}

describe('docs/integration-guide.md, what the gateway refuses as invalid', () => {
  const limits = documentedLimits(readFileSync(pagePath, 'utf8'));

  it('lists exactly the text fields this test knows how to send', () => {
    expect([...limits.keys()].sort()).toEqual(Object.keys(textFields).sort());
  });

  describe.each([...limits])('%s', (row, limit) => {
    const field = textFields[row];

    it(`accepts ${limit} characters`, () => {
      const body = field.fixture();
      field.set(body, limit);
      expect(() => map(field, body)).not.toThrow();
    });

    it(`refuses ${limit + 1}, naming the field`, () => {
      const body = field.fixture();
      field.set(body, limit + 1);
      expect(rejection(() => map(field, body))).toMatchObject({
        code: 'webhook.invalid_field',
        httpStatus: 400,
        details: { field: field.path, reason: 'length' },
      });
    });
  });
});
