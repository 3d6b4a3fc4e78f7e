import { EntityManager } from 'typeorm';
import { ItemState } from '../domain/item';
import { itemStatusOf, ItemStatus } from '../domain/item-status';

export type MovementCause = 'product_sync' | 'order_sold' | 'order_cancelled' | 'order_refunded' | 'level_update';

/** What changed an item's count: the source event, and the order line when an order did. */
export interface MovementSource {
  cause: MovementCause;
  sourceEventId: string;
  orderId: string | null;
  lineItemId: string | null;
  occurredAt: number;
}

interface ItemRow {
  tenant_id: string;
  variant_id: string;
  product_id: string;
  inventory_item_id: string | null;
  sku: string | null;
  product_title: string;
  variant_title: string;
  consignor_id: string | null;
  product_status: string;
  quantity: number;
  units_sold: number;
  level_as_of: Date | null;
  level_event_id: string | null;
}

const itemColumns =
  'tenant_id, variant_id, product_id, inventory_item_id, sku, product_title, variant_title, consignor_id, product_status, quantity, units_sold, level_as_of, level_event_id';

function itemFrom(row: ItemRow): ItemState {
  return {
    tenantId: row.tenant_id,
    variantId: row.variant_id,
    productId: row.product_id,
    inventoryItemId: row.inventory_item_id,
    sku: row.sku,
    productTitle: row.product_title,
    variantTitle: row.variant_title,
    consignorId: row.consignor_id,
    productStatus: row.product_status,
    quantity: row.quantity,
    unitsSold: row.units_sold,
    levelVersion: row.level_as_of === null || row.level_event_id === null ? null : { at: row.level_as_of.getTime(), eventId: row.level_event_id },
  };
}

/**
 * Locks the items of these variants for the transaction, in variant order so that two orders
 * sharing items wait for each other instead of deadlocking.
 */
export async function lockItemsByVariant(manager: EntityManager, tenantId: string, variantIds: readonly string[]): Promise<Map<string, ItemState>> {
  const rows: ItemRow[] = await manager.query(
    `SELECT ${itemColumns} FROM items WHERE tenant_id = $1 AND variant_id = ANY($2::text[]) ORDER BY variant_id FOR UPDATE`,
    [tenantId, [...new Set(variantIds)]],
  );
  return new Map(rows.map((row) => [row.variant_id, itemFrom(row)]));
}

export async function lockItemsByInventoryItem(manager: EntityManager, tenantId: string, inventoryItemId: string): Promise<ItemState[]> {
  const rows: ItemRow[] = await manager.query(
    `SELECT ${itemColumns} FROM items WHERE tenant_id = $1 AND inventory_item_id = $2 ORDER BY variant_id FOR UPDATE`,
    [tenantId, inventoryItemId],
  );
  return rows.map(itemFrom);
}

/** Writes the item with its status derived from its facts, so the status can never disagree with them. */
async function saveItem(manager: EntityManager, item: ItemState): Promise<ItemStatus> {
  const status = itemStatusOf(item);
  await manager.query(
    `INSERT INTO items (${itemColumns}, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (tenant_id, variant_id) DO UPDATE SET
       product_id = EXCLUDED.product_id, inventory_item_id = EXCLUDED.inventory_item_id, sku = EXCLUDED.sku,
       product_title = EXCLUDED.product_title, variant_title = EXCLUDED.variant_title, consignor_id = EXCLUDED.consignor_id,
       product_status = EXCLUDED.product_status, quantity = EXCLUDED.quantity, units_sold = EXCLUDED.units_sold,
       level_as_of = EXCLUDED.level_as_of, level_event_id = EXCLUDED.level_event_id, status = EXCLUDED.status`,
    [
      item.tenantId,
      item.variantId,
      item.productId,
      item.inventoryItemId,
      item.sku,
      item.productTitle,
      item.variantTitle,
      item.consignorId,
      item.productStatus,
      item.quantity,
      item.unitsSold,
      item.levelVersion === null ? null : new Date(item.levelVersion.at),
      item.levelVersion?.eventId ?? null,
      status,
    ],
  );
  return status;
}

/**
 * Saves the item and its movement: every change of its count, and every order line's effect even
 * when the count could not move (already 0, or units not restocked), so the history explains it.
 */
export async function saveItemChange(manager: EntityManager, quantityBefore: number, item: ItemState, source: MovementSource): Promise<ItemStatus> {
  const status = await saveItem(manager, item);
  const delta = item.quantity - quantityBefore;
  if (delta === 0 && source.orderId === null) return status;
  await manager.query(
    `INSERT INTO item_movements (tenant_id, variant_id, cause, source_event_id, order_id, line_item_id, delta, quantity_after, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [item.tenantId, item.variantId, source.cause, source.sourceEventId, source.orderId, source.lineItemId, delta, item.quantity, new Date(source.occurredAt)],
  );
  return status;
}
