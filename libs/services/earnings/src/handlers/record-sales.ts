import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCreated } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { isPaidFinancialStatus } from '../domain/sale';
import { markOrdersPaid, recordOrdersReceived } from '../store/ledger';
import { lockForTransactionOf } from '../store/locks';
import { assertValidOrder, recordSale } from './order-events';
import { OrderLine, settleOrderLines } from '../store/order-lines';
import { productOwnerships } from './product-ownership';
import { assertTenant } from '../store/earnings-source';

/**
 * recordSale for a run of placed orders, in the run's order and with the same outcome as applying
 * them one by one, in a handful of statements per tenant whatever their number (decision 0025). An
 * order that needs more than receiving it and settling its lines (changes held for it, a currency
 * not the client's, its order id met earlier in the run) takes recordSale on its own, after what
 * came before it is written.
 */
export async function recordSales(
  manager: EntityManager,
  orders: readonly ShopifyOrderCreated[],
  tenantOf: (tenantId: string) => Tenant,
): Promise<PlatformEvent[]> {
  if (orders.length === 0) return [];
  const run = orders.map((event) => ({ event, tenant: tenantOf(event.metadata.tenantId) }));
  for (const { event, tenant } of run) {
    assertTenant(event.metadata, tenant);
    assertValidOrder(event);
  }
  const productIdsOf = (event: ShopifyOrderCreated) =>
    event.order.lineItems.flatMap((line) => (line.productId === null ? [] : [line.productId]));
  // The locks recordSale takes first, all at once and in one sorted order (locks.ts).
  await lockForTransactionOf(
    manager,
    'product',
    run.map(({ event, tenant }) => ({ tenantId: tenant.id, ids: productIdsOf(event) })),
  );
  const waiting = await ordersWithHeldChanges(manager, orders);

  const published: PlatformEvent[] = [];
  const seen = new Set<string>();
  let pending: typeof run = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const tenant = pending[0].tenant;
    const received = await recordOrdersReceived(
      manager,
      pending.map(({ event: { metadata, order } }) => ({
        tenantId: tenant.id,
        orderId: order.id,
        orderName: order.name,
        currency: order.totalPrice.currency,
        soldAt: new Date(metadata.occurredAt),
        eventId: metadata.eventId,
      })),
    );
    // An order received before changes nothing, as in recordSale.
    const arrived = pending.filter(({ event }) => received.has(`${tenant.id}/${event.order.id}`)).map(({ event }) => event);
    pending = [];
    await markOrdersPaid(
      manager,
      arrived
        .filter(({ order }) => isPaidFinancialStatus(order.financialStatus))
        .map(({ metadata, order }) => ({
          tenantId: tenant.id,
          orderId: order.id,
          paidAt: new Date(metadata.occurredAt),
          eventId: metadata.eventId,
        })),
    );
    const ownerships = await productOwnerships(manager, tenant.id, arrived.flatMap(productIdsOf));
    const lines: OrderLine[] = arrived.flatMap(({ metadata, order }) =>
      order.lineItems.map((line) => ({
        order: { orderId: order.id, currency: order.totalPrice.currency, soldAt: new Date(metadata.occurredAt), cause: metadata },
        line,
        ownership:
          line.productId === null ? { kind: 'store' as const } : (ownerships.get(line.productId) ?? { kind: 'never_seen' as const }),
      })),
    );
    published.push(...(await settleOrderLines(manager, tenant, lines)).published);
  };

  for (const entry of run) {
    const { event, tenant } = entry;
    const key = `${tenant.id}/${event.order.id}`;
    const plain = !seen.has(key) && !waiting.has(key) && event.order.totalPrice.currency === tenant.currency;
    seen.add(key);
    if (pending.length > 0 && (!plain || pending[0].tenant.id !== tenant.id)) await flush();
    if (plain) pending.push(entry);
    else published.push(...(await recordSale(manager, event, tenant)));
  }
  await flush();
  return published;
}

/** The run's orders ("tenant/order") with changes held for them (applyHeldOrderChanges applies those). */
async function ordersWithHeldChanges(manager: EntityManager, orders: readonly ShopifyOrderCreated[]): Promise<Set<string>> {
  const rows: Array<{ tenant_id: string; order_id: string }> = await manager.query(
    `SELECT DISTINCT tenant_id, order_id FROM held_order_changes
     WHERE (tenant_id, order_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND state IN ('held', 'awaiting_reconciliation')`,
    [orders.map((event) => event.metadata.tenantId), orders.map((event) => event.order.id)],
  );
  return new Set(rows.map((row) => `${row.tenant_id}/${row.order_id}`));
}
