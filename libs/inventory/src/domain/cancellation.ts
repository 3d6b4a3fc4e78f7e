import { ShopifyOrderCancelled } from '@consign/contracts';

/** A line of an order as inventory recorded it when the order was placed. */
export interface OrderedLine {
  lineItemId: string;
  quantity: number;
}

/** Units of one line a cancellation released, and how many of them went back to stock. */
export interface LineRelease {
  lineItemId: string;
  releasedUnits: number;
  restockedUnits: number;
}

/** Shopify restock_type: anything but no_restock put the units back (null is an older refund that restocked). */
export function isRestocked(restockType: string | null): boolean {
  return restockType !== 'no_restock';
}

/**
 * The lines a cancellation touched (ShopifyOrderCancelled doc): a refund line names it, or its
 * current quantity is below the ordered one. Released units are the larger of the two signals,
 * never more than were ordered; without refund lines Shopify restocked them (a plain cancel).
 */
export function lineReleasesOf(cancellation: Pick<ShopifyOrderCancelled, 'currentQuantities' | 'refunds'>, lines: readonly OrderedLine[]): LineRelease[] {
  const refundLines = cancellation.refunds.flatMap((refund) => refund.refundLineItems);
  const releases: LineRelease[] = [];
  for (const line of lines) {
    const refunded = refundLines.filter((refundLine) => refundLine.lineItemId === line.lineItemId);
    const current = cancellation.currentQuantities[line.lineItemId];
    const removed = current === undefined ? 0 : Math.max(0, line.quantity - current);
    if (refunded.length === 0 && removed === 0) continue;
    const refundedUnits = sum(refunded.map((refundLine) => refundLine.quantity));
    const releasedUnits = Math.min(Math.max(0, line.quantity), Math.max(refundedUnits, removed));
    if (releasedUnits === 0) continue;
    const restockedUnits =
      refunded.length === 0 ? releasedUnits : Math.min(releasedUnits, sum(refunded.filter((refundLine) => isRestocked(refundLine.restockType)).map((refundLine) => refundLine.quantity)));
    releases.push({ lineItemId: line.lineItemId, releasedUnits, restockedUnits });
  }
  return releases;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + Math.max(0, value), 0);
}
