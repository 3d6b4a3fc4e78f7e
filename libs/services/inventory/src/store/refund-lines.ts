import { EntityManager } from 'typeorm';
import { ShopifyRefund } from '@consign/contracts';
import { RefundLineFact } from '../domain/cancellation';

/**
 * Keeps each refund line once, whichever event carried it first (orders/updated, orders/cancelled,
 * refunds/create), also before its order arrived: the order's arrival then releases what they refunded.
 */
export async function keepRefundLines(
  manager: EntityManager,
  tenantId: string,
  orderId: string,
  refunds: readonly ShopifyRefund[],
): Promise<void> {
  const lines = refunds.flatMap((refund) => refund.refundLineItems.map((line) => ({ refundId: refund.id, ...line })));
  if (lines.length === 0) return;
  await manager.query(
    `INSERT INTO order_refund_lines (tenant_id, order_id, refund_line_item_id, refund_id, line_item_id, quantity, restock_type)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
     ON CONFLICT (tenant_id, refund_line_item_id) DO NOTHING`,
    [
      tenantId,
      orderId,
      lines.map((line) => line.id),
      lines.map((line) => line.refundId),
      lines.map((line) => line.lineItemId),
      lines.map((line) => line.quantity),
      lines.map((line) => line.restockType),
    ],
  );
}

export async function refundLinesOfOrder(manager: EntityManager, tenantId: string, orderId: string): Promise<RefundLineFact[]> {
  const rows: Array<{ refund_line_item_id: string; line_item_id: string; quantity: number; restock_type: string | null }> =
    await manager.query(
      'SELECT refund_line_item_id, line_item_id, quantity, restock_type FROM order_refund_lines WHERE tenant_id = $1 AND order_id = $2 ORDER BY refund_line_item_id',
      [tenantId, orderId],
    );
  return rows.map((row) => ({
    id: row.refund_line_item_id,
    lineItemId: row.line_item_id,
    quantity: row.quantity,
    restockType: row.restock_type,
  }));
}
