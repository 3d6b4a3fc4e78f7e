import { DataSource } from 'typeorm';
import { isoTimeSql } from '@consign/database';
import { ItemStatus } from '../domain/item-status';
import { LineOwnership } from '../domain/order-lines';
import { MovementCause } from './items';
import { ReconciliationKind } from './reconciliation';

export interface ItemView {
  variantId: string;
  productId: string;
  inventoryItemId: string | null;
  sku: string | null;
  productTitle: string;
  variantTitle: string;
  consignorId: string | null;
  productStatus: string;
  quantity: number;
  unitsSold: number;
  status: ItemStatus;
}

export interface MovementView {
  cause: MovementCause;
  sourceEventId: string;
  orderId: string | null;
  lineItemId: string | null;
  delta: number;
  quantityAfter: number;
  occurredAt: string;
  recordedAt: string;
}

export interface OrderLineView {
  lineItemId: string;
  variantId: string | null;
  productId: string | null;
  sku: string | null;
  title: string;
  ownership: LineOwnership;
  consignorId: string | null;
  quantity: number;
  quantitySold: number;
  quantityReleased: number;
  quantityRestocked: number;
}

/** An order as inventory knows it; `cancellation_held` when only its cancellation has arrived. */
export interface OrderView {
  orderId: string;
  state: 'received' | 'cancelled' | 'cancellation_held';
  orderName: string | null;
  placedAt: string | null;
  totalMinor: number | null;
  currency: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  lines: OrderLineView[];
  heldCancellations: Array<{ eventId: string; heldAt: string; escalatedAt: string | null }>;
}

export interface ProductView {
  productId: string;
  title: string;
  status: string;
  consignorId: string | null;
  versionAt: string;
  items: ItemView[];
}

export interface ReconciliationView {
  kind: ReconciliationKind;
  sourceEventId: string;
  subjectId: string;
  orderId: string | null;
  detail: Record<string, unknown>;
  recordedAt: string;
}

/**
 * What waits for something not known yet: orders (with every later event of them) for the product
 * syncs bringing the variants they name, levels for a product sync, cancellations for their order.
 * A held order is not escalated: past the grace period it is placed, and no longer held.
 */
export interface HeldView {
  orders: Array<{ orderId: string; eventCount: number; awaitedVariantIds: string[]; heldAt: string }>;
  inventoryLevels: Array<{
    inventoryItemId: string;
    sourceEventId: string;
    available: number | null;
    updatedAt: string;
    heldAt: string;
    escalatedAt: string | null;
  }>;
  cancellations: Array<{ orderId: string; sourceEventId: string; heldAt: string; escalatedAt: string | null }>;
}

const itemViewColumns = `variant_id AS "variantId", product_id AS "productId", inventory_item_id AS "inventoryItemId", sku,
  product_title AS "productTitle", variant_title AS "variantTitle", consignor_id AS "consignorId",
  product_status AS "productStatus", quantity, units_sold AS "unitsSold", status`;

/** The tenant's items, of one consignor when `consignorId` is given. */
export async function itemsOf(dataSource: DataSource, tenantId: string, consignorId: string | undefined): Promise<ItemView[]> {
  return dataSource.query(
    `SELECT ${itemViewColumns} FROM items
     WHERE tenant_id = $1 AND ($2::text IS NULL OR consignor_id = $2)
     ORDER BY product_id, variant_id`,
    [tenantId, consignorId ?? null],
  );
}

export async function itemWithMovements(
  dataSource: DataSource,
  tenantId: string,
  variantId: string,
): Promise<(ItemView & { movements: MovementView[] }) | undefined> {
  const [item]: ItemView[] = await dataSource.query(`SELECT ${itemViewColumns} FROM items WHERE tenant_id = $1 AND variant_id = $2`, [
    tenantId,
    variantId,
  ]);
  if (item === undefined) return undefined;
  const movements: MovementView[] = await dataSource.query(
    `SELECT cause, source_event_id AS "sourceEventId", order_id AS "orderId", line_item_id AS "lineItemId", delta,
       quantity_after AS "quantityAfter", ${isoTimeSql('occurred_at')} AS "occurredAt", ${isoTimeSql('recorded_at')} AS "recordedAt"
     FROM item_movements WHERE tenant_id = $1 AND variant_id = $2
     ORDER BY occurred_at, id`,
    [tenantId, variantId],
  );
  return { ...item, movements };
}

export async function orderState(dataSource: DataSource, tenantId: string, orderId: string): Promise<OrderView | undefined> {
  const [order]: Array<Omit<OrderView, 'lines' | 'heldCancellations' | 'totalMinor'> & { totalMinor: string }> = await dataSource.query(
    `SELECT order_id AS "orderId", state, order_name AS "orderName", ${isoTimeSql('placed_at')} AS "placedAt", total_minor::text AS "totalMinor",
       currency, ${isoTimeSql('cancelled_at')} AS "cancelledAt", cancel_reason AS "cancelReason"
     FROM orders WHERE tenant_id = $1 AND order_id = $2`,
    [tenantId, orderId],
  );
  const heldCancellations: OrderView['heldCancellations'] = await dataSource.query(
    `SELECT event_id AS "eventId", ${isoTimeSql('held_at')} AS "heldAt", ${isoTimeSql('escalated_at')} AS "escalatedAt"
     FROM held_cancellations WHERE tenant_id = $1 AND order_id = $2 ORDER BY occurred_at, event_id`,
    [tenantId, orderId],
  );
  if (order === undefined) {
    if (heldCancellations.length === 0) return undefined;
    const unknown = { orderName: null, placedAt: null, totalMinor: null, currency: null, cancelledAt: null, cancelReason: null };
    return { orderId, state: 'cancellation_held', ...unknown, lines: [], heldCancellations };
  }
  const lines: OrderLineView[] = await dataSource.query(
    `SELECT line_item_id AS "lineItemId", variant_id AS "variantId", product_id AS "productId", sku, title, ownership,
       consignor_id AS "consignorId", quantity, quantity_sold AS "quantitySold", quantity_released AS "quantityReleased",
       quantity_restocked AS "quantityRestocked"
     FROM order_lines WHERE tenant_id = $1 AND order_id = $2 ORDER BY line_item_id`,
    [tenantId, orderId],
  );
  return { ...order, totalMinor: Number(order.totalMinor), lines, heldCancellations };
}

export async function productWithItems(dataSource: DataSource, tenantId: string, productId: string): Promise<ProductView | undefined> {
  const [product]: Array<Omit<ProductView, 'items'>> = await dataSource.query(
    `SELECT product_id AS "productId", title, status, consignor_id AS "consignorId", ${isoTimeSql('version_at')} AS "versionAt"
     FROM products WHERE tenant_id = $1 AND product_id = $2`,
    [tenantId, productId],
  );
  if (product === undefined) return undefined;
  const items: ItemView[] = await dataSource.query(
    `SELECT ${itemViewColumns} FROM items WHERE tenant_id = $1 AND product_id = $2 ORDER BY variant_id`,
    [tenantId, productId],
  );
  return { ...product, items };
}

/** Open reconciliation records, oldest first, of one kind when `kind` is given. */
export async function openReconciliationRecords(
  dataSource: DataSource,
  tenantId: string,
  kind: ReconciliationKind | undefined,
): Promise<ReconciliationView[]> {
  return dataSource.query(
    `SELECT kind, source_event_id AS "sourceEventId", subject_id AS "subjectId", order_id AS "orderId", detail,
       ${isoTimeSql('recorded_at')} AS "recordedAt"
     FROM reconciliation_records
     WHERE tenant_id = $1 AND resolved_at IS NULL AND ($2::text IS NULL OR kind = $2)
     ORDER BY recorded_at, kind, source_event_id, subject_id`,
    [tenantId, kind ?? null],
  );
}

/** Everything held for the tenant, longest waiting first. */
export async function heldOf(dataSource: DataSource, tenantId: string): Promise<HeldView> {
  const orders: HeldView['orders'] = await dataSource.query(
    `SELECT order_id AS "orderId",
       (SELECT count(*)::int FROM held_order_events event WHERE event.tenant_id = held.tenant_id AND event.order_id = held.order_id) AS "eventCount",
       awaited_variant_ids AS "awaitedVariantIds", ${isoTimeSql('held_at')} AS "heldAt"
     FROM held_orders held WHERE tenant_id = $1 ORDER BY held_at, order_id`,
    [tenantId],
  );
  const inventoryLevels: HeldView['inventoryLevels'] = await dataSource.query(
    `SELECT inventory_item_id AS "inventoryItemId", event_id AS "sourceEventId", (event->>'available')::int AS available, event->>'updatedAt' AS "updatedAt",
       ${isoTimeSql('held_at')} AS "heldAt", ${isoTimeSql('escalated_at')} AS "escalatedAt"
     FROM held_inventory_levels WHERE tenant_id = $1 ORDER BY held_at, inventory_item_id, event_id`,
    [tenantId],
  );
  const cancellations: HeldView['cancellations'] = await dataSource.query(
    `SELECT order_id AS "orderId", event_id AS "sourceEventId", ${isoTimeSql('held_at')} AS "heldAt", ${isoTimeSql('escalated_at')} AS "escalatedAt"
     FROM held_cancellations WHERE tenant_id = $1 ORDER BY held_at, order_id, event_id`,
    [tenantId],
  );
  return { orders, inventoryLevels, cancellations };
}
