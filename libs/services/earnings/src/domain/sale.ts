import { ShopifyLineItem } from '@consign/contracts';
import { fullRateBasisPoints, ShareAmounts, splitSale } from './money';

/** What this service knows of the product on an order line, from its product-tag projection. */
export type ProductOwnership = { kind: 'never_seen' } | { kind: 'store' } | { kind: 'consignor'; consignorId: string };

/** A consignor's standing when an item sold: active or not, and the store's commission then (null: none of their own). */
export interface ConsignorTerms {
  active: boolean;
  commissionRateBasisPoints: number | null;
}

/** Kinds of odd input the service records for the store owner instead of failing on. */
export type EarningsExceptionKind =
  | 'unknown_consignor'
  | 'consignor_inactive'
  | 'line_without_product'
  | 'unknown_product'
  | 'invalid_line'
  | 'foreign_currency'
  | 'invalid_commission_rate'
  | 'order_not_received';

export const earningsExceptionKinds: readonly EarningsExceptionKind[] = [
  'unknown_consignor',
  'consignor_inactive',
  'line_without_product',
  'unknown_product',
  'invalid_line',
  'foreign_currency',
  'invalid_commission_rate',
  'order_not_received',
];

/**
 * What a line waits for before it can be evaluated: whose the product is, or the registration of
 * the consignor it belongs to. Topics are read in parallel, so either may come after the order.
 */
export type AwaitedFact = { kind: 'product'; productId: string } | { kind: 'consignor'; productId: string; consignorId: string };

export type LineOutcome =
  | { kind: 'held'; awaiting: AwaitedFact }
  | { kind: 'store_item' }
  | { kind: 'sale'; consignorId: string; quantity: number; commissionRateBasisPoints: number; amounts: ShareAmounts }
  | { kind: 'exception'; exception: EarningsExceptionKind; consignorId: string | null; detail: Record<string, unknown> };

export interface LineContext {
  /** The order's currency: every entry of the order is in it, never converted. */
  orderCurrency: string;
  ownership: ProductOwnership;
  /** Undefined when this service has never seen the consignor registered. */
  terms: ConsignorTerms | undefined;
  defaultCommissionRateBasisPoints: number;
}

/** Decides what one order line earns its consignor, why it earns nothing, or what it must wait for. */
export function evaluateLine(line: ShopifyLineItem, context: LineContext): LineOutcome {
  if (line.productId === null)
    return { kind: 'exception', exception: 'line_without_product', consignorId: null, detail: { title: line.title } };
  const { ownership } = context;
  if (ownership.kind === 'never_seen') return { kind: 'held', awaiting: { kind: 'product', productId: line.productId } };
  if (ownership.kind === 'store') return { kind: 'store_item' };
  const { consignorId } = ownership;
  if (context.terms === undefined) return { kind: 'held', awaiting: { kind: 'consignor', productId: line.productId, consignorId } };
  if (!context.terms.active) {
    return { kind: 'exception', exception: 'consignor_inactive', consignorId, detail: { productId: line.productId, title: line.title } };
  }
  const gross = lineGross(line, context.orderCurrency);
  if (typeof gross === 'string')
    return { kind: 'exception', exception: 'invalid_line', consignorId, detail: { reason: gross, title: line.title } };
  const commissionRateBasisPoints = context.terms.commissionRateBasisPoints ?? context.defaultCommissionRateBasisPoints;
  return {
    kind: 'sale',
    consignorId,
    quantity: line.quantity,
    commissionRateBasisPoints,
    amounts: splitSale(gross, commissionRateBasisPoints),
  };
}

/** The exception a line still waiting past the grace period is listed as, from the line alone. */
export function overdueLineException(line: ShopifyLineItem, awaiting: AwaitedFact): Extract<LineOutcome, { kind: 'exception' }> {
  const detail = { productId: awaiting.productId, title: line.title };
  return awaiting.kind === 'product'
    ? { kind: 'exception', exception: 'unknown_product', consignorId: null, detail }
    : { kind: 'exception', exception: 'unknown_consignor', consignorId: awaiting.consignorId, detail };
}

/** What the buyer paid for the line: unit price × quantity − the line's discount, or why it cannot be computed. */
export function lineGross(line: ShopifyLineItem, orderCurrency: string): number | string {
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) return `quantity ${line.quantity} is not a positive whole number`;
  for (const [name, money] of [
    ['unitPrice', line.unitPrice],
    ['totalDiscount', line.totalDiscount],
  ] as const) {
    if (money.currency !== orderCurrency) return `${name} is in ${money.currency}, the order in ${orderCurrency}`;
    if (!Number.isSafeInteger(money.amountMinor) || money.amountMinor < 0)
      return `${name} ${money.amountMinor} is not a non-negative whole amount`;
  }
  const gross = BigInt(line.unitPrice.amountMinor) * BigInt(line.quantity) - BigInt(line.totalDiscount.amountMinor);
  if (gross < 0n)
    return `discount ${line.totalDiscount.amountMinor} exceeds the line's price ${line.unitPrice.amountMinor} × ${line.quantity}`;
  if (gross > BigInt(Number.MAX_SAFE_INTEGER)) return `gross ${gross} is beyond the exact range of amounts`;
  return Number(gross);
}

/** A rate a consignor event may carry; anything else means the consignor has no rate of their own. */
export function isCommissionRate(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= fullRateBasisPoints;
}

/** Shopify financial statuses that mean the buyer paid (a refund can only follow a payment). */
const paidStatuses = new Set(['paid', 'partially_refunded', 'refunded']);

export function isPaidFinancialStatus(financialStatus: string | null): boolean {
  return financialStatus !== null && paidStatuses.has(financialStatus);
}
