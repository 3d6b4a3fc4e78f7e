import { EntityManager } from 'typeorm';
import { deterministicEventId, EventMetadata, PlatformEvent, ShopifyLineItem } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { AwaitedFact, evaluateLine, overdueLineException, ProductOwnership } from '../domain/sale';
import { consignorTermsAtEach } from './consignor-terms';
import { recordEarningsException, resolveEarningsExceptions } from './exceptions';
import { appendLedgerEntries, LedgerEntry, paidOrdersAmong } from './ledger';
import { lockForTransaction } from './locks';
import { applyPastOrderChanges, forgetSettledHolds, updateReturning } from './order-changes';
import { earningsRecordedEvent } from './published-events';

/** A received order, with the event that brought it: what its lines are evaluated against. */
export interface ReceivedOrder {
  orderId: string;
  currency: string;
  soldAt: Date;
  cause: EventMetadata;
}

/** One line to evaluate, with what is known of its product. */
export interface OrderLine {
  order: ReceivedOrder;
  line: ShopifyLineItem;
  ownership: ProductOwnership;
}

/**
 * Evaluates lines of received orders: appends and publishes the sale entries, records the
 * exceptions, and holds the lines whose product or consignor this service does not know yet. It
 * locks the consignors it reads the terms of; the caller holds the products' locks (locks.ts).
 * Returns what to publish and the entries appended.
 */
export async function settleOrderLines(
  manager: EntityManager,
  tenant: Tenant,
  lines: readonly OrderLine[],
): Promise<{ published: PlatformEvent[]; appended: LedgerEntry[] }> {
  const consignorLines = lines.flatMap(({ order, ownership }) =>
    ownership.kind === 'consignor' ? [{ consignorId: ownership.consignorId, at: order.soldAt, orderId: order.orderId }] : [],
  );
  await lockForTransaction(
    manager,
    tenant.id,
    'consignor',
    consignorLines.map(({ consignorId }) => consignorId),
  );
  // What the lines are evaluated against, read for all of them at once: nothing below changes it.
  const termsOfLines = await consignorTermsAtEach(manager, tenant.id, consignorLines);
  const paidOrders = await paidOrdersAmong(
    manager,
    tenant.id,
    consignorLines.map(({ orderId }) => orderId),
  );
  const settled = { published: [] as PlatformEvent[], appended: [] as LedgerEntry[] };
  const sales: Array<{ entry: LedgerEntry; orderPaid: boolean; cause: EventMetadata }> = [];
  for (const { order, line, ownership } of lines) {
    const terms = ownership.kind === 'consignor' ? termsOfLines.shift() : undefined;
    const outcome = evaluateLine(line, {
      orderCurrency: order.currency,
      ownership,
      terms,
      defaultCommissionRateBasisPoints: tenant.defaultCommissionRateBasisPoints,
    });
    if (outcome.kind === 'store_item') continue;
    if (outcome.kind === 'held') {
      await holdLine(manager, order, line, outcome.awaiting);
      continue;
    }
    if (outcome.kind === 'exception') {
      await recordEarningsException(manager, order.cause, {
        kind: outcome.exception,
        orderId: order.orderId,
        lineItemId: line.id,
        consignorId: outcome.consignorId,
        detail: outcome.detail,
      });
      continue;
    }
    const entry: LedgerEntry = {
      id: deterministicEventId('earnings-sale', tenant.id, order.orderId, line.id),
      tenantId: tenant.id,
      consignorId: outcome.consignorId,
      orderId: order.orderId,
      lineItemId: line.id,
      itemTitle: line.title,
      quantity: outcome.quantity,
      commissionRateBasisPoints: outcome.commissionRateBasisPoints,
      amounts: outcome.amounts,
      currency: order.currency,
      occurredAt: order.soldAt,
      causeEventId: order.cause.eventId,
      reversal: null,
    };
    sales.push({ entry, orderPaid: paidOrders.has(order.orderId), cause: order.cause });
  }
  const appended = await appendLedgerEntries(manager, sales);
  for (const { entry, orderPaid, cause } of sales) {
    if (!appended.has(entry.id)) continue;
    settled.appended.push(entry);
    settled.published.push(earningsRecordedEvent(cause, entry, orderPaid));
  }
  return settled;
}

/**
 * The product's owner is now known: the lines that waited for it are evaluated as they would have
 * been had the product come first. The caller holds the product's lock and its consignor's.
 */
export async function releaseLinesAwaitingProduct(
  manager: EntityManager,
  tenant: Tenant,
  productId: string,
  ownership: ProductOwnership,
): Promise<PlatformEvent[]> {
  return evaluateReleasedLines(manager, tenant, await takeHeldLines(manager, tenant.id, 'product', productId), ownership);
}

/** The consignor is now known: the lines of their products that waited for them are evaluated. The caller holds the consignor's lock. */
export async function releaseLinesAwaitingConsignor(manager: EntityManager, tenant: Tenant, consignorId: string): Promise<PlatformEvent[]> {
  return evaluateReleasedLines(manager, tenant, await takeHeldLines(manager, tenant.id, 'consignor', consignorId), {
    kind: 'consignor',
    consignorId,
  });
}

/**
 * Lists lines held longer than the grace period (held before `heldBefore`) as exceptions of what
 * they still wait for. They stay held: should it arrive, they are evaluated and the exception
 * closed. Returns how many were listed.
 */
export async function escalateOverdueLines(manager: EntityManager, heldBefore: Date): Promise<number> {
  const escalated = await updateReturning<HeldLineRow>(
    manager,
    `UPDATE held_order_lines SET state = 'escalated', state_changed_at = now()
     WHERE state = 'held' AND held_at < $1
     RETURNING order_id, line_item_id, awaiting, product_id, consignor_id, line, cause`,
    [heldBefore],
  );
  for (const row of escalated) {
    const { exception, consignorId, detail } = overdueLineException(row.line, awaitedFactOf(row));
    await recordEarningsException(manager, row.cause, {
      kind: exception,
      orderId: row.order_id,
      lineItemId: row.line_item_id,
      consignorId,
      detail,
    });
  }
  return escalated.length;
}

interface HeldLineRow {
  order_id: string;
  line_item_id: string;
  awaiting: AwaitedFact['kind'];
  product_id: string;
  consignor_id: string | null;
  line: ShopifyLineItem;
  cause: EventMetadata;
}

interface ReleasedLineRow extends HeldLineRow {
  currency: string;
  sold_at: Date;
}

function awaitedFactOf(row: HeldLineRow): AwaitedFact {
  return row.awaiting === 'consignor' && row.consignor_id !== null
    ? { kind: 'consignor', productId: row.product_id, consignorId: row.consignor_id }
    : { kind: 'product', productId: row.product_id };
}

/** Holds a line until what it waits for arrives; a line released and held again waits for the next thing, held since it was first held. */
async function holdLine(manager: EntityManager, order: ReceivedOrder, line: ShopifyLineItem, awaiting: AwaitedFact): Promise<void> {
  await manager.query(
    `INSERT INTO held_order_lines (tenant_id, order_id, line_item_id, awaiting, product_id, consignor_id, line, cause)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, order_id, line_item_id) DO UPDATE SET
       awaiting = excluded.awaiting, product_id = excluded.product_id, consignor_id = excluded.consignor_id, state = 'held', state_changed_at = now()`,
    [
      order.cause.tenantId,
      order.orderId,
      line.id,
      awaiting.kind,
      awaiting.productId,
      awaiting.kind === 'consignor' ? awaiting.consignorId : null,
      JSON.stringify(line),
      JSON.stringify(order.cause),
    ],
  );
}

/** Takes the lines waiting for this product or consignor off hold (they are held again if they must wait for more). */
async function takeHeldLines(
  manager: EntityManager,
  tenantId: string,
  awaiting: AwaitedFact['kind'],
  id: string,
): Promise<ReleasedLineRow[]> {
  const column = awaiting === 'product' ? 'product_id' : 'consignor_id';
  return updateReturning<ReleasedLineRow>(
    manager,
    `UPDATE held_order_lines AS held SET state = 'applied', state_changed_at = now()
     FROM earnings_orders AS received
     WHERE held.tenant_id = $1 AND held.awaiting = $2 AND held.${column} = $3 AND held.state <> 'applied'
       AND received.tenant_id = held.tenant_id AND received.order_id = held.order_id
     RETURNING held.order_id, held.line_item_id, held.awaiting, held.product_id, held.consignor_id, held.line, held.cause, received.currency, received.sold_at`,
    [tenantId, awaiting, id],
  );
}

/**
 * Evaluates released lines in the same transaction as what released them, closes the exceptions
 * of those that had been listed, and applies to their new entries every change their order
 * already had (refunds, cancellation), so the result is what in-order processing gives.
 */
async function evaluateReleasedLines(
  manager: EntityManager,
  tenant: Tenant,
  released: readonly ReleasedLineRow[],
  ownership: ProductOwnership,
): Promise<PlatformEvent[]> {
  if (released.length === 0) return [];
  // Before any ledger write: a payment or change of the order applied meanwhile waits for these entries.
  await lockForTransaction(
    manager,
    tenant.id,
    'order',
    released.map((row) => row.order_id),
  );
  for (const row of released) {
    const { exception } = overdueLineException(row.line, awaitedFactOf(row));
    await resolveEarningsExceptions(manager, { tenantId: tenant.id, kind: exception, orderId: row.order_id, lineItemId: row.line_item_id });
  }
  const lines = [...released]
    .sort((a, b) => a.order_id.localeCompare(b.order_id) || a.line_item_id.localeCompare(b.line_item_id))
    .map((row) => ({
      order: { orderId: row.order_id, currency: row.currency, soldAt: row.sold_at, cause: row.cause },
      line: row.line,
      ownership,
    }));
  const { published, appended } = await settleOrderLines(manager, tenant, lines);
  const appendedByOrder = new Map<string, Set<string>>();
  for (const entry of appended) appendedByOrder.set(entry.orderId, (appendedByOrder.get(entry.orderId) ?? new Set()).add(entry.id));
  for (const [orderId, entryIds] of appendedByOrder)
    published.push(...(await applyPastOrderChanges(manager, tenant.id, orderId, entryIds)));
  await forgetSettledHolds(manager, tenant.id, [...new Set(released.map((row) => row.order_id))]);
  return published;
}
