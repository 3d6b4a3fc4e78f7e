import {
  events,
  Money,
  ShopifyOrderCancelled,
  ShopifyOrderPaid,
  ShopifyOrderUpdated,
  ShopifyRefund,
  ShopifyRefundCreated,
  ShopifyRefundLineItem,
} from '@consign/contracts';
import { amountTextAt, currencyAt } from '../money';
import {
  avroIntMax,
  arrayAt,
  idAt,
  integerAt,
  invalidField,
  JsonObject,
  objectAt,
  optionalStringAt,
  optionalTimestampAt,
  timestampAt,
} from '../payload-fields';
import { textLimits } from '../validation/text-limits';
import { mapOrderBody, orderMoney } from './order-mapping';
import { shopifyEventMetadata, ShopifyDelivery } from './shopify-delivery';

/** Each line's current_quantity by line item id: how consumers see units that left the order. */
function currentQuantitiesOf(body: JsonObject): Record<string, number> {
  const quantities: Record<string, number> = {};
  arrayAt(body, 'line_items', 'line_items').forEach((item, index) => {
    const path = `line_items[${index}]`;
    const line = objectAt(item, path);
    quantities[idAt(line, 'id', `${path}.id`)] = integerAt(line, 'current_quantity', `${path}.current_quantity`, 0, avroIntMax);
  });
  return quantities;
}

/**
 * Shopify's REST refund line items carry `subtotal` as a JSON number in some versions and a string in
 * others; `subtotal_set.shop_money` is always a decimal string with its currency, so it is read
 * first. `currency` is what a bare `subtotal` is in: the order's, or the shop's for a refund alone.
 */
function refundSubtotal(refundLine: JsonObject, currency: string, path: string): Money {
  const set = refundLine.subtotal_set;
  if (set !== null && set !== undefined) {
    const moneyPath = `${path}.subtotal_set.shop_money`;
    const shopMoney = objectAt(objectAt(set, `${path}.subtotal_set`).shop_money, moneyPath);
    const moneyCurrency =
      shopMoney.currency_code === undefined ? currency : currencyAt(shopMoney, 'currency_code', `${moneyPath}.currency_code`);
    return orderMoney(amountTextAt(shopMoney, 'amount', `${moneyPath}.amount`), moneyCurrency, `${moneyPath}.amount`);
  }
  const subtotal = refundLine.subtotal;
  if (typeof subtotal === 'number' && Number.isFinite(subtotal)) return orderMoney(String(subtotal), currency, `${path}.subtotal`);
  if (typeof subtotal === 'string')
    return orderMoney(amountTextAt(refundLine, 'subtotal', `${path}.subtotal`), currency, `${path}.subtotal`);
  throw invalidField(`${path}.subtotal`, 'must be a decimal amount', subtotal === undefined || subtotal === null ? 'missing' : 'type');
}

/** One Shopify refund object, as it appears in an order's `refunds` and as a refunds/create body. */
function refundAt(item: unknown, path: string, currency: string): ShopifyRefund {
  const refund = objectAt(item, path || 'body');
  const field = (name: string): string => (path === '' ? name : `${path}.${name}`);
  return {
    id: idAt(refund, 'id', field('id')),
    createdAt: timestampAt(refund, 'created_at', field('created_at')),
    note: optionalStringAt(refund, 'note', field('note'), textLimits.note),
    refundLineItems: arrayAt(refund, 'refund_line_items', field('refund_line_items')).map((lineItem, lineIndex): ShopifyRefundLineItem => {
      const linePath = `${field('refund_line_items')}[${lineIndex}]`;
      const line = objectAt(lineItem, linePath);
      return {
        id: idAt(line, 'id', `${linePath}.id`),
        lineItemId: idAt(line, 'line_item_id', `${linePath}.line_item_id`),
        quantity: integerAt(line, 'quantity', `${linePath}.quantity`, 0, avroIntMax),
        restockType: optionalStringAt(line, 'restock_type', `${linePath}.restock_type`, textLimits.enumeration),
        subtotal: refundSubtotal(line, currency, linePath),
      };
    }),
  };
}

function refundsOf(body: JsonObject, currency: string): ShopifyRefund[] {
  return arrayAt(body, 'refunds', 'refunds').map((item, index) => refundAt(item, `refunds[${index}]`, currency));
}

/**
 * Maps a Shopify refunds/create body: the refund itself, on its order, occurred when it was made.
 * The body names no currency of its own; amounts without one are in the shop's.
 */
export function mapRefundCreated(payload: unknown, delivery: ShopifyDelivery): ShopifyRefundCreated {
  const body = objectAt(payload, 'body');
  const refund = refundAt(body, '', delivery.currency);
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyRefundCreated, Date.parse(refund.createdAt)),
    orderId: idAt(body, 'order_id', 'order_id'),
    refund,
  };
}

/** Maps a Shopify orders/updated body: the order as it is now, occurred when Shopify last changed it. */
export function mapOrderUpdated(payload: unknown, delivery: ShopifyDelivery): ShopifyOrderUpdated {
  const { body, currency, order } = mapOrderBody(payload);
  const updatedAt = timestampAt(body, 'updated_at', 'updated_at');
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyOrderUpdated, Date.parse(updatedAt)),
    order,
    updatedAt,
    fulfillmentStatus: optionalStringAt(body, 'fulfillment_status', 'fulfillment_status', textLimits.enumeration),
    cancelledAt: optionalTimestampAt(body, 'cancelled_at', 'cancelled_at'),
    currentQuantities: currentQuantitiesOf(body),
    currentTotalPrice: orderMoney(amountTextAt(body, 'current_total_price', 'current_total_price'), currency, 'current_total_price'),
    refunds: refundsOf(body, currency),
  };
}

/** Maps a Shopify orders/paid body. Shopify records the payment as the order's updated_at. */
export function mapOrderPaid(payload: unknown, delivery: ShopifyDelivery): ShopifyOrderPaid {
  const { body, currency, order } = mapOrderBody(payload);
  const paidAt = timestampAt(body, 'updated_at', 'updated_at');
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyOrderPaid, Date.parse(paidAt)),
    order,
    paidAt,
    // Shopify documents a negative outstanding amount: what the merchant owes the customer back.
    totalOutstanding: orderMoney(amountTextAt(body, 'total_outstanding', 'total_outstanding'), currency, 'total_outstanding', 'signed'),
  };
}

/**
 * Maps a Shopify orders/cancelled body. The event carries the facts consumers need to find the
 * lines the cancellation touched (current quantities and refunds); it does not decide for them.
 */
export function mapOrderCancelled(payload: unknown, delivery: ShopifyDelivery): ShopifyOrderCancelled {
  const { body, currency, order } = mapOrderBody(payload);
  const cancelledAt = timestampAt(body, 'cancelled_at', 'cancelled_at');
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyOrderCancelled, Date.parse(cancelledAt)),
    order,
    cancelledAt,
    cancelReason: optionalStringAt(body, 'cancel_reason', 'cancel_reason', textLimits.enumeration),
    currentQuantities: currentQuantitiesOf(body),
    refunds: refundsOf(body, currency),
  };
}
