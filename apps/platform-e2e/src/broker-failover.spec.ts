import { randomUUID } from 'node:crypto';
import { startLocalKafkaCluster, type LocalKafkaCluster } from '@consign/infra-local';
import { topics } from '@consign/contracts';
import { PlatformUnderTest } from './support/platform-under-test';
import { clerkUserBody, orderBody, productBody, shopifyId, WebhookSender } from '@consign/test-support';

/**
 * A broker dies under load. The platform runs on its own cluster of three brokers (replication 3,
 * min.insync.replicas 2), started beside the shared single broker for this file; webhooks keep
 * arriving while the cluster's active controller, which also leads a third of the partitions, is
 * SIGKILLed. Every delivery the gateway answered 200 must then be applied by inventory-service
 * and earnings-service, and none twice.
 */
const tenantId = 'dev-store';
const senders = 4;
const loadMs = 24_000;
const killAfterMs = 8_000;
let cluster: LocalKafkaCluster;
let platform: PlatformUnderTest;

beforeAll(async () => {
  cluster = await startLocalKafkaCluster({ nodes: 3 });
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'earnings-service', 'consignor-service'],
    {},
    {},
    { kafkaBrokers: cluster.brokers },
  );
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await cluster?.stop();
}, 120_000);

interface Delivery {
  orderId: string;
  /** The event the gateway answered 200 with; undefined when it answered anything else or not at all. */
  eventId: string | undefined;
}

it('loses no acknowledged webhook and applies none twice when a broker is killed mid-stream', async () => {
  const webhooks = new WebhookSender(platform.urls.gateway);
  // A consignor's item: inventory counts its sales and earnings books each one.
  const clerkUserId = `user_failover_${randomUUID().slice(0, 8)}`;
  await webhooks.clerk(clerkUserBody('user.created', { id: clerkUserId, email: `${clerkUserId}@example.test` }));
  await platform.settled();
  const consignorId = (
    await platform.read<{ consignors: Array<{ consignorId: string; clerkUserId: string }> }>(
      'consignor-service',
      `/clients/${tenantId}/consignors`,
    )
  ).consignors.find((consignor) => consignor.clerkUserId === clerkUserId)?.consignorId;
  if (consignorId === undefined) throw new Error(`consignor-service made no consignor of ${clerkUserId}`);
  const product = { id: shopifyId(), variant: shopifyId(), item: shopifyId() };
  await webhooks.shopify(
    'products/create',
    productBody({
      id: product.id,
      title: `Failover lamp ${randomUUID().slice(0, 8)}`,
      tags: [`consignor:${consignorId}`],
      variants: [
        { id: product.variant, inventoryItemId: product.item, sku: `SKU-${product.variant}`, price: '10.00', quantity: 1_000_000 },
      ],
    }),
  );
  await platform.settled();

  const admin = platform.kafka.admin();
  await admin.connect();
  const { controller } = await admin.describeCluster();
  await admin.disconnect();
  if (controller === null) throw new Error('the cluster has no controller');

  const deliveries: Delivery[] = [];
  const started = Date.now();
  const send = async (): Promise<void> => {
    while (Date.now() - started < loadMs) {
      const orderId = shopifyId();
      const body = orderBody({
        id: orderId,
        name: `#FO-${orderId}`,
        lines: [
          { id: shopifyId(), productId: product.id, variantId: product.variant, title: 'Failover lamp', quantity: 1, price: '10.00' },
        ],
      });
      const answer = await webhooks.shopify('orders/create', body).catch(() => undefined);
      deliveries.push({ orderId: String(orderId), eventId: answer?.eventId });
    }
  };
  let sentBeforeKill = 0;
  const kill = (async () => {
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    sentBeforeKill = deliveries.length;
    await cluster.killNode(controller);
  })();
  await Promise.all([...Array.from({ length: senders }, send), kill]);
  await platform.settled(120_000);

  const accepted = deliveries.filter((delivery): delivery is Delivery & { eventId: string } => delivery.eventId !== undefined);
  const acceptedEvents = accepted.map((delivery) => delivery.eventId);
  const processedBy = async (app: 'inventory-service' | 'earnings-service'): Promise<Set<string>> =>
    new Set(
      (
        await platform.query<{ event_id: string }>(app, 'SELECT event_id FROM processed_events WHERE topic = $1 AND event_id = ANY($2)', [
          topics.shopifyOrders.name,
          acceptedEvents,
        ])
      ).map((row) => row.event_id),
    );
  const [inventoryProcessed, earningsProcessed] = [await processedBy('inventory-service'), await processedBy('earnings-service')];
  const lost = acceptedEvents.filter((eventId) => !inventoryProcessed.has(eventId) || !earningsProcessed.has(eventId));

  // Inventory: one sale movement per order, and the item's sold count is their number.
  const sales = await platform.query<{ order_id: string; movements: number }>(
    'inventory-service',
    "SELECT order_id, count(*)::int AS movements FROM item_movements WHERE tenant_id = $1 AND variant_id = $2 AND cause = 'order_sold' GROUP BY order_id",
    [tenantId, String(product.variant)],
  );
  const [item] = await platform.query<{ units_sold: number; quantity: number }>(
    'inventory-service',
    'SELECT units_sold, quantity FROM items WHERE tenant_id = $1 AND variant_id = $2',
    [tenantId, String(product.variant)],
  );
  // Earnings: one sale in the ledger per order, and the consignor's gross sold is their sum.
  const booked = await platform.query<{ order_id: string; entries: number }>(
    'earnings-service',
    "SELECT order_id, count(*)::int AS entries FROM earnings_ledger WHERE tenant_id = $1 AND consignor_id = $2 AND entry_type = 'sale' GROUP BY order_id",
    [tenantId, consignorId],
  );
  const [totals] = await platform.query<{ gross: number }>(
    'earnings-service',
    'SELECT coalesce(sum(gross_sold_minor), 0)::int AS gross FROM earnings_daily_totals WHERE tenant_id = $1 AND consignor_id = $2',
    [tenantId, consignorId],
  );
  const appliedTwice =
    sales.filter((sale) => sale.movements > 1).length +
    Math.max(0, item.units_sold - sales.length) +
    booked.filter((order) => order.entries > 1).length +
    Math.max(0, totals.gross / 1000 - booked.length);

  console.log(
    `broker failover: webhooks sent ${deliveries.length}, answered 200 ${accepted.length}, answered other ${deliveries.length - accepted.length}, lost ${lost.length}, applied twice ${appliedTwice} ` +
      `(broker ${controller}, the controller, SIGKILLed after ${sentBeforeKill} sent in ${killAfterMs / 1000} s of ${loadMs / 1000} s; inventory sold ${item.units_sold} units in ${sales.length} orders, earnings booked ${booked.length} sales worth ${totals.gross / 100})`,
  );
  expect(accepted.length).toBeGreaterThan(0);
  expect(lost).toEqual([]);
  expect(appliedTwice).toBe(0);
  expect(item.units_sold).toBe(sales.length);
  expect(item.quantity).toBe(1_000_000 - sales.length);
  expect(totals.gross).toBe(booked.length * 1000);
  // Whatever was applied was applied by both services: an order answered otherwise may still have got through.
  expect(new Set(booked.map((order) => order.order_id))).toEqual(new Set(sales.map((sale) => sale.order_id)));
  expect(sales.length).toBeGreaterThanOrEqual(accepted.length);
}, 240_000);
