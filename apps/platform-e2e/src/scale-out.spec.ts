import { randomUUID } from 'node:crypto';
import { topics } from '@consign/contracts';
import { LocalKafkaCluster, startLocalKafkaCluster } from '@consign/infra-local';
import { AppInstance, PlatformUnderTest } from './support/platform-under-test';
import { clerkUserBody, orderBody, productBody, shopifyId, WebhookSender } from '@consign/test-support';

/**
 * Scale-out: two instances of inventory-service and of earnings-service, each pair in one consumer
 * group over one database, and two gateways over one database, on a one-node Kafka of its own
 * (three partitions per topic: the pair splits them), so that the thousands of orders it sends do
 * not become history that other test files' groups must read. Webhooks go to both gateways; mid-stream one
 * instance of each service and one gateway are SIGKILLed. The group's survivor takes over the
 * dead member's partitions once its session expires, re-reading what it had not committed: each
 * order must still be applied exactly once.
 */
const tenantId = 'dev-store';
const senders = 4;
const loadMs = 20_000;
const killAfterMs = 7_000;
let cluster: LocalKafkaCluster;
let platform: PlatformUnderTest;

beforeAll(async () => {
  cluster = await startLocalKafkaCluster({ nodes: 1 });
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'earnings-service', 'consignor-service'],
    {},
    {},
    { kafkaBrokers: cluster.brokers },
  );
  for (const app of ['gateway', 'inventory-service', 'earnings-service'] as const) await platform.addInstance(app);
}, 300_000);

afterAll(async () => {
  await platform?.teardown();
  await cluster?.stop();
}, 120_000);

async function groupMembers(group: string): Promise<number> {
  const admin = platform.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

it('applies every acknowledged order exactly once while instances of each service and a gateway are SIGKILLed', async () => {
  const setup = new WebhookSender(platform.urls.gateway);
  const clerkUserId = `user_scale_${randomUUID().slice(0, 8)}`;
  await setup.clerk(clerkUserBody('user.created', { id: clerkUserId, email: `${clerkUserId}@example.test` }));
  await platform.settled();
  const consignorId = (
    await platform.read<{ consignors: Array<{ consignorId: string; clerkUserId: string }> }>(
      'consignor-service',
      `/clients/${tenantId}/consignors`,
    )
  ).consignors.find((consignor) => consignor.clerkUserId === clerkUserId)?.consignorId;
  if (consignorId === undefined) throw new Error(`consignor-service made no consignor of ${clerkUserId}`);
  const product = { id: shopifyId(), variant: shopifyId(), item: shopifyId() };
  await setup.shopify(
    'products/create',
    productBody({
      id: product.id,
      title: `Scale-out lamp ${randomUUID().slice(0, 8)}`,
      tags: [`consignor:${consignorId}`],
      variants: [
        { id: product.variant, inventoryItemId: product.item, sku: `SKU-${product.variant}`, price: '10.00', quantity: 1_000_000 },
      ],
    }),
  );
  await platform.settled();
  // Both members of each group hold partitions before the kill.
  expect(await groupMembers(platform.groups['inventory-service'])).toBe(2);
  expect(await groupMembers(platform.groups['earnings-service'])).toBe(2);

  let gateways: AppInstance[] = platform.instances('gateway');
  const deliveries: Array<{ orderId: string; eventId: string | undefined; gateway: number }> = [];
  const started = Date.now();
  let turn = 0;
  const send = async (): Promise<void> => {
    while (Date.now() - started < loadMs) {
      // A load balancer's round robin over the gateways it still sees.
      const gateway = gateways[(turn += 1) % gateways.length];
      const orderId = shopifyId();
      const body = orderBody({
        id: orderId,
        name: `#SO-${orderId}`,
        lines: [
          { id: shopifyId(), productId: product.id, variantId: product.variant, title: 'Scale-out lamp', quantity: 1, price: '10.00' },
        ],
      });
      const answer = await new WebhookSender(gateway.url).shopify('orders/create', body).catch(() => undefined);
      deliveries.push({ orderId: String(orderId), eventId: answer?.eventId, gateway: gateway.number });
    }
  };
  let sentBeforeKill = 0;
  const kill = (async () => {
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    sentBeforeKill = deliveries.length;
    await Promise.all([platform.kill('inventory-service', 2), platform.kill('earnings-service', 1), platform.kill('gateway', 2)]);
    gateways = platform.instances('gateway');
  })();
  await Promise.all([...Array.from({ length: senders }, send), kill]);
  await platform.settled(120_000);

  const accepted = deliveries.filter((delivery) => delivery.eventId !== undefined).map((delivery) => delivery.eventId as string);
  const processedBy = async (app: 'inventory-service' | 'earnings-service'): Promise<Set<string>> =>
    new Set(
      (
        await platform.query<{ event_id: string }>(app, 'SELECT event_id FROM processed_events WHERE topic = $1 AND event_id = ANY($2)', [
          topics.shopifyOrders.name,
          accepted,
        ])
      ).map((row) => row.event_id),
    );
  const [inventoryProcessed, earningsProcessed] = [await processedBy('inventory-service'), await processedBy('earnings-service')];
  const lost = accepted.filter((eventId) => !inventoryProcessed.has(eventId) || !earningsProcessed.has(eventId));
  const recordedTwice = async (app: 'inventory-service' | 'earnings-service'): Promise<number> =>
    (
      await platform.query<{ repeats: number }>(
        app,
        'SELECT count(*)::int AS repeats FROM (SELECT 1 FROM processed_events GROUP BY consumer_group, event_id HAVING count(*) > 1) AS repeated',
      )
    )[0].repeats;

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
    Math.max(0, totals.gross / 1000 - booked.length) +
    (await recordedTwice('inventory-service')) +
    (await recordedTwice('earnings-service'));

  const byGateway = (number: number): number =>
    deliveries.filter((delivery) => delivery.gateway === number && delivery.eventId !== undefined).length;
  console.log(
    `scale-out: webhooks sent ${deliveries.length}, answered 200 ${accepted.length} (gateway 1: ${byGateway(1)}, gateway 2: ${byGateway(2)}), answered other ${deliveries.length - accepted.length}, lost ${lost.length}, applied twice ${appliedTwice} ` +
      `(inventory-service 2, earnings-service 1 and gateway 2 SIGKILLed after ${sentBeforeKill} sent in ${killAfterMs / 1000} s of ${loadMs / 1000} s; inventory sold ${item.units_sold} units in ${sales.length} orders, earnings booked ${booked.length} sales)`,
  );
  expect(byGateway(1)).toBeGreaterThan(0);
  expect(byGateway(2)).toBeGreaterThan(0);
  expect(lost).toEqual([]);
  expect(appliedTwice).toBe(0);
  expect(item.quantity).toBe(1_000_000 - sales.length);
  expect(totals.gross).toBe(booked.length * 1000);
  expect(new Set(booked.map((order) => order.order_id))).toEqual(new Set(sales.map((sale) => sale.order_id)));
  expect(sales.length).toBeGreaterThanOrEqual(accepted.length);
  // The survivors are still the groups' only members.
  expect(await groupMembers(platform.groups['inventory-service'])).toBe(1);
  expect(await groupMembers(platform.groups['earnings-service'])).toBe(1);
}, 240_000);
