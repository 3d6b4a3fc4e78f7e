import { EntityManager } from 'typeorm';
import { insertRows } from '@consign/database';

/**
 * What a human or the reconciler has to look at; the handlers record it instead of failing.
 * - order_line_unknown_variant: an order waited past the grace period for a product sync to bring
 *   a variant it names, and was placed without it: the line stays unknown_variant.
 * - inventory_item_unknown: a level update waited past the grace period for a variant with its
 *   inventory item; still held, and applied (the record resolved) if one comes.
 * - cancellation_order_missing: a cancellation waited past the grace period for its order; likewise.
 * - item_oversold: an order sold more units than the item's count held before it.
 */
export const reconciliationKinds = [
  'order_line_unknown_variant',
  'inventory_item_unknown',
  'cancellation_order_missing',
  'item_oversold',
] as const;
export type ReconciliationKind = (typeof reconciliationKinds)[number];

export interface ReconciliationRecord {
  tenantId: string;
  kind: ReconciliationKind;
  sourceEventId: string;
  /** The id the record is about: the line item, the inventory item or the order. */
  subjectId: string;
  orderId: string | null;
  detail: Record<string, unknown>;
}

/** Records once per (kind, source event, subject): a replayed event adds nothing. */
/** An order line that sold more than the item held: listed for the reconciler with what was sold and what was there. */
export function oversoldRecord(sale: {
  tenantId: string;
  eventId: string;
  orderId: string;
  lineItemId: string;
  item: { variantId: string; sku: string | null; quantity: number };
  sale: { consignorId: string; quantity: number };
  oversold: number;
}): ReconciliationRecord {
  const { item } = sale;
  return {
    tenantId: sale.tenantId,
    kind: 'item_oversold',
    sourceEventId: sale.eventId,
    subjectId: sale.lineItemId,
    orderId: sale.orderId,
    detail: {
      variantId: item.variantId,
      consignorId: sale.sale.consignorId,
      sku: item.sku,
      available: item.quantity,
      sold: sale.sale.quantity,
      oversoldUnits: sale.oversold,
    },
  };
}

export async function recordForReconciliation(manager: EntityManager, record: ReconciliationRecord): Promise<void> {
  await recordForReconciliationAll(manager, [record]);
}

/** recordForReconciliation for several records, in one statement. */
export async function recordForReconciliationAll(manager: EntityManager, records: readonly ReconciliationRecord[]): Promise<void> {
  await insertRows(
    manager,
    'INSERT INTO reconciliation_records (tenant_id, kind, source_event_id, subject_id, order_id, detail)',
    records.map((record) => [
      record.tenantId,
      record.kind,
      record.sourceEventId,
      record.subjectId,
      record.orderId,
      JSON.stringify(record.detail),
    ]),
    { tail: 'ON CONFLICT DO NOTHING' },
  );
}

/** Closes the open records of one kind about an order, once what they waited for has happened. */
export async function resolveOrderReconciliation(
  manager: EntityManager,
  tenantId: string,
  kind: ReconciliationKind,
  orderId: string,
): Promise<void> {
  await manager.query(
    `UPDATE reconciliation_records SET resolved_at = now()
     WHERE tenant_id = $1 AND kind = $2 AND order_id = $3 AND resolved_at IS NULL`,
    [tenantId, kind, orderId],
  );
}

/** Closes the open record about one subject of one event, once what it waited for has happened. */
export async function resolveReconciliation(
  manager: EntityManager,
  tenantId: string,
  kind: ReconciliationKind,
  sourceEventId: string,
  subjectId: string,
): Promise<void> {
  await manager.query(
    `UPDATE reconciliation_records SET resolved_at = now()
     WHERE tenant_id = $1 AND kind = $2 AND source_event_id = $3 AND subject_id = $4 AND resolved_at IS NULL`,
    [tenantId, kind, sourceEventId, subjectId],
  );
}

/**
 * Lists for reconciliation, once each, the events held in `table` since before `heldBefore`
 * (`unless`: a further condition on the table's rows that keeps one back). They stay held, marked
 * escalated. Returns how many were listed.
 */
export async function escalateHeldEvents<TEvent>(
  manager: EntityManager,
  hold: { table: 'held_cancellations' | 'held_inventory_levels'; unless?: string },
  heldBefore: Date,
  recordOf: (event: TEvent, heldAt: Date) => ReconciliationRecord,
): Promise<number> {
  // UPDATE … RETURNING goes through a CTE: TypeORM answers the bare statement with [rows, count].
  const rows: Array<{ event: TEvent; held_at: Date }> = await manager.query(
    `WITH escalated AS (
       UPDATE ${hold.table} SET escalated_at = now()
       WHERE escalated_at IS NULL AND held_at < $1 ${hold.unless === undefined ? '' : `AND NOT (${hold.unless})`}
       RETURNING event, held_at
     )
     SELECT event, held_at FROM escalated ORDER BY held_at`,
    [heldBefore],
  );
  for (const { event, held_at: heldAt } of rows) await recordForReconciliation(manager, recordOf(event, heldAt));
  return rows.length;
}
