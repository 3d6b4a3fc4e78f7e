import { EntityManager } from 'typeorm';
import { ItemState } from '../domain/item';
import { insertRows } from '@consign/database';
import { itemStatusOf } from '../domain/item-status';

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
    levelVersion:
      row.level_as_of === null || row.level_event_id === null ? null : { at: row.level_as_of.getTime(), eventId: row.level_event_id },
  };
}

/**
 * Locks the items of these variants for the transaction, in variant order so that two orders
 * sharing items wait for each other instead of deadlocking.
 */
export async function lockItemsByVariant(
  manager: EntityManager,
  tenantId: string,
  variantIds: readonly string[],
): Promise<Map<string, ItemState>> {
  const rows: ItemRow[] = await manager.query(
    `SELECT ${itemColumns} FROM items WHERE tenant_id = $1 AND variant_id = ANY($2::text[]) ORDER BY variant_id FOR UPDATE`,
    [tenantId, [...new Set(variantIds)]],
  );
  return new Map(rows.map((row) => [row.variant_id, itemFrom(row)]));
}

/** lockItemsByVariant for the variants of several events (of any tenants) at once; keyed by "tenant/variant". */
export async function lockItemsOf(
  manager: EntityManager,
  subjects: ReadonlyArray<{ tenantId: string; variantIds: readonly string[] }>,
): Promise<Map<string, ItemState>> {
  const keys = [
    ...new Set(subjects.flatMap(({ tenantId, variantIds }) => variantIds.map((variantId) => JSON.stringify([tenantId, variantId])))),
  ].map((key) => JSON.parse(key) as [string, string]);
  const rows: ItemRow[] = await manager.query(
    `SELECT ${itemColumns} FROM items WHERE (tenant_id, variant_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY tenant_id, variant_id FOR UPDATE`,
    [keys.map(([tenantId]) => tenantId), keys.map(([, variantId]) => variantId)],
  );
  return new Map(rows.map((row) => [`${row.tenant_id}/${row.variant_id}`, itemFrom(row)]));
}

export async function lockItemsByInventoryItem(manager: EntityManager, tenantId: string, inventoryItemId: string): Promise<ItemState[]> {
  const rows: ItemRow[] = await manager.query(
    `SELECT ${itemColumns} FROM items WHERE tenant_id = $1 AND inventory_item_id = $2 ORDER BY variant_id FOR UPDATE`,
    [tenantId, inventoryItemId],
  );
  return rows.map(itemFrom);
}

/** One change of an item's count (or an order line's effect on it), with what caused it. */
export interface ItemChange {
  quantityBefore: number;
  item: ItemState;
  source: MovementSource;
}

/**
 * Saves the items, each with its status derived from its facts so the status can never disagree
 * with them, and their movements: every change of a count, and every order line's effect even
 * when the count could not move (already 0, or units not restocked), so the history explains it.
 * One statement for the items and one for the movements, whatever the number of changes; an item
 * changed twice (two lines of one variant) is written as it is after the last.
 */
export async function saveItemChanges(manager: EntityManager, changes: readonly ItemChange[]): Promise<void> {
  // By tenant too: the changes of a unit of work may be of several tenants' items.
  const latest = new Map(changes.map(({ item }) => [`${item.tenantId}/${item.variantId}`, item]));
  await insertRows(
    manager,
    `INSERT INTO items (${itemColumns}, status)`,
    [...latest.values()].map((item) => [
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
      itemStatusOf(item),
    ]),
    {
      tail: `ON CONFLICT (tenant_id, variant_id) DO UPDATE SET
       product_id = EXCLUDED.product_id, inventory_item_id = EXCLUDED.inventory_item_id, sku = EXCLUDED.sku,
       product_title = EXCLUDED.product_title, variant_title = EXCLUDED.variant_title, consignor_id = EXCLUDED.consignor_id,
       product_status = EXCLUDED.product_status, quantity = EXCLUDED.quantity, units_sold = EXCLUDED.units_sold,
       level_as_of = EXCLUDED.level_as_of, level_event_id = EXCLUDED.level_event_id, status = EXCLUDED.status`,
    },
  );
  await insertRows(
    manager,
    'INSERT INTO item_movements (tenant_id, variant_id, cause, source_event_id, order_id, line_item_id, delta, quantity_after, occurred_at)',
    changes
      .filter(({ quantityBefore, item, source }) => item.quantity !== quantityBefore || source.orderId !== null)
      .map(({ quantityBefore, item, source }) => [
        item.tenantId,
        item.variantId,
        source.cause,
        source.sourceEventId,
        source.orderId,
        source.lineItemId,
        item.quantity - quantityBefore,
        item.quantity,
        new Date(source.occurredAt),
      ]),
  );
}
