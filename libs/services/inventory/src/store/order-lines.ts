import { EntityManager } from 'typeorm';
import { insertRows } from '@consign/database';
import { LineOwnership, PlacedLine } from '../domain/order-lines';

interface OrderLineRow {
  line_item_id: string;
  variant_id: string | null;
  product_id: string | null;
  inventory_item_id: string | null;
  sku: string | null;
  title: string;
  ownership: LineOwnership;
  consignor_id: string | null;
  quantity: number;
  quantity_sold: number;
}

/** Keeps an order's lines, all in one statement. */
export async function insertOrderLines(
  manager: EntityManager,
  tenantId: string,
  orderId: string,
  lines: readonly PlacedLine[],
): Promise<void> {
  await insertOrderLinesOf(
    manager,
    lines.map((line) => ({ tenantId, orderId, line })),
  );
}

/** Keeps the lines of several orders, all in one statement. */
export async function insertOrderLinesOf(
  manager: EntityManager,
  lines: ReadonlyArray<{ tenantId: string; orderId: string; line: PlacedLine }>,
): Promise<void> {
  await insertRows(
    manager,
    'INSERT INTO order_lines (tenant_id, order_id, line_item_id, variant_id, product_id, inventory_item_id, sku, title, ownership, consignor_id, quantity, quantity_sold)',
    lines.map(({ tenantId, orderId, line }) => [
      tenantId,
      orderId,
      line.lineItemId,
      line.variantId,
      line.productId,
      line.inventoryItemId,
      line.sku,
      line.title,
      line.ownership,
      line.consignorId,
      line.quantity,
      line.quantitySold,
    ]),
  );
}

export async function placedLinesOfOrder(manager: EntityManager, tenantId: string, orderId: string): Promise<PlacedLine[]> {
  const rows: OrderLineRow[] = await manager.query(
    `SELECT line_item_id, variant_id, product_id, inventory_item_id, sku, title, ownership, consignor_id, quantity, quantity_sold
     FROM order_lines WHERE tenant_id = $1 AND order_id = $2 ORDER BY line_item_id`,
    [tenantId, orderId],
  );
  return rows.map((row) => ({
    lineItemId: row.line_item_id,
    variantId: row.variant_id,
    productId: row.product_id,
    inventoryItemId: row.inventory_item_id,
    sku: row.sku,
    title: row.title,
    ownership: row.ownership,
    consignorId: row.consignor_id,
    quantity: row.quantity,
    quantitySold: row.quantity_sold,
  }));
}

export async function recordLineRelease(
  manager: EntityManager,
  tenantId: string,
  orderId: string,
  release: { lineItemId: string; releasedUnits: number; restockedUnits: number },
): Promise<void> {
  await manager.query(
    `UPDATE order_lines SET quantity_released = quantity_released + $4, quantity_restocked = quantity_restocked + $5
     WHERE tenant_id = $1 AND order_id = $2 AND line_item_id = $3`,
    [tenantId, orderId, release.lineItemId, release.releasedUnits, release.restockedUnits],
  );
}

/** What inventory has released and restocked of each line of the order so far. */
export async function releasesOfOrder(
  manager: EntityManager,
  tenantId: string,
  orderId: string,
): Promise<Map<string, { releasedUnits: number; restockedUnits: number }>> {
  const rows: Array<{ line_item_id: string; quantity_released: number; quantity_restocked: number }> = await manager.query(
    'SELECT line_item_id, quantity_released, quantity_restocked FROM order_lines WHERE tenant_id = $1 AND order_id = $2',
    [tenantId, orderId],
  );
  return new Map(rows.map((row) => [row.line_item_id, { releasedUnits: row.quantity_released, restockedUnits: row.quantity_restocked }]));
}
