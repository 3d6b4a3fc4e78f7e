/**
 * One rule, for inventory and earnings alike, for what Shopify's order events say became of an
 * order line's units. Each service keeps what it has applied per line and applies only the
 * difference to these targets, which only grow as more is known: repeats, out-of-order arrivals
 * and later refunds change each line exactly once.
 */

/** What is known of one order line so far, from every order event applied. */
export interface OrderLineKnowledge {
  /** Units the line sold. */
  quantity: number;
  /** Units refunded by distinct refund lines so far (refunds/create, orders/updated, orders/cancelled). */
  refundedUnits: number;
  /** Units refunded so far by refund lines that put them back in stock (see restocksUnits). */
  restockedByRefundsUnits: number;
  /** The order was cancelled (any orders/cancelled, with or without refund lines). */
  cancelled: boolean;
  /** The line's current_quantity in the newest order event that gave one; below quantity means units were removed. */
  currentQuantity?: number;
}

export interface OrderLineTarget {
  /** Units no longer sold: refunded, removed from the order, or voided by a cancellation. */
  removedUnits: number;
  /** Of them, units back in stock now. */
  restockedUnits: number;
}

/**
 * A cancellation voids every unit of every line, whether or not Shopify sent refund lines with it
 * (its own sample sends none). Otherwise a line loses what its refund lines refunded, or what its
 * current quantity says it lost, whichever is more. Only refund lines tell about stock; units voided
 * without one are left to the inventory-level webhooks that Shopify sends when it restocks.
 */
export function orderLineTarget(line: OrderLineKnowledge): OrderLineTarget {
  const quantity = wholeUnits(line.quantity);
  const refunded = Math.min(quantity, wholeUnits(line.refundedUnits));
  const lost = line.currentQuantity === undefined ? 0 : quantity - Math.min(quantity, wholeUnits(line.currentQuantity));
  const removedUnits = line.cancelled ? quantity : Math.max(refunded, lost);
  return { removedUnits, restockedUnits: Math.min(removedUnits, wholeUnits(line.restockedByRefundsUnits)) };
}

/** Shopify's restock_type: anything but no_restock puts the units back (null: an older refund, which restocked). */
export function restocksUnits(restockType: string | null): boolean {
  return restockType !== 'no_restock';
}

function wholeUnits(units: number): number {
  return Number.isSafeInteger(units) && units > 0 ? units : 0;
}
