import { orderLineTarget, restocksUnits } from '@consign/contracts';

/** A consignor line of an order, with what inventory has released and restocked of it so far. */
export interface AppliedLine {
  lineItemId: string;
  /** Units the line sold. */
  quantity: number;
  releasedUnits: number;
  restockedUnits: number;
}

/** A refund line as Shopify sent it, kept once per id whichever event carried it. */
export interface RefundLineFact {
  id: string;
  lineItemId: string;
  quantity: number;
  restockType: string | null;
}

/** What an order change releases now on one line, and how many of those units go back to stock. */
export interface LineRelease {
  lineItemId: string;
  releasedUnits: number;
  restockedUnits: number;
}

/** Everything known of the order's changes so far. */
export interface OrderChangeKnowledge {
  cancelled: boolean;
  /** Every distinct refund line known for the order. */
  refundLines: readonly RefundLineFact[];
  /** The current_quantity of each line in the change being applied, when it gave them. */
  currentQuantities?: Readonly<Record<string, number>>;
}

/**
 * The difference between what the platform's order-line rule (orderLineTarget) says of each line
 * now and what inventory applied before: applied again, it releases nothing twice.
 */
export function lineReleasesOf(change: OrderChangeKnowledge, lines: readonly AppliedLine[]): LineRelease[] {
  return lines.flatMap((line) => {
    const refundLines = change.refundLines.filter((refundLine) => refundLine.lineItemId === line.lineItemId);
    const target = orderLineTarget({
      quantity: line.quantity,
      refundedUnits: sum(refundLines.map((refundLine) => refundLine.quantity)),
      restockedByRefundsUnits: sum(
        refundLines.filter((refundLine) => restocksUnits(refundLine.restockType)).map((refundLine) => refundLine.quantity),
      ),
      cancelled: change.cancelled,
      currentQuantity: change.currentQuantities?.[line.lineItemId],
    });
    const releasedUnits = Math.max(0, target.removedUnits - line.releasedUnits);
    const restockedUnits = Math.max(0, target.restockedUnits - line.restockedUnits);
    return releasedUnits > 0 || restockedUnits > 0 ? [{ lineItemId: line.lineItemId, releasedUnits, restockedUnits }] : [];
  });
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + (Number.isSafeInteger(value) && value > 0 ? value : 0), 0);
}
