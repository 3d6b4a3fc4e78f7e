import { events, Money, ShopifyLineItem, ShopifyOrder, ShopifyOrderCreated } from '@consign/contracts';
import { AmountSign, amountTextAt, currencyAt, optionalAmountTextAt, toMinorUnits } from '../money';
import {
  avroIntMax,
  arrayAt,
  idAt,
  integerAt,
  JsonObject,
  objectAt,
  optionalIdAt,
  optionalStringAt,
  stringAt,
  timestampAt,
} from '../payload-fields';
import { textLimits } from '../validation/text-limits';
import { shopifyEventMetadata, ShopifyDelivery } from './shopify-delivery';

/** An order body read into the part every order event shares, with what the event-specific parts need. */
export interface OrderBody {
  /** The body as an object, for the fields only some events read. */
  body: JsonObject;
  /** The order's (shop) currency: every amount of the order is in it. */
  currency: string;
  order: ShopifyOrder;
}

/** A decimal amount field of the order in minor units of the order's currency. */
export function orderMoney(amount: string, currency: string, path: string, sign: AmountSign = 'non-negative'): Money {
  return { amountMinor: toMinorUnits(amount, currency, path, sign), currency };
}

/**
 * Reads the order part shared by every order webhook (orders/create, updated, paid, cancelled).
 * Money becomes integer minor units of the order's currency; ids stay exact decimal strings.
 */
export function mapOrderBody(payload: unknown): OrderBody {
  const body = objectAt(payload, 'body');
  const id = idAt(body, 'id', 'id');
  const currency = currencyAt(body, 'currency', 'currency');
  const createdAt = timestampAt(body, 'created_at', 'created_at');
  const customer = body.customer === null || body.customer === undefined ? null : objectAt(body.customer, 'customer');
  const lineItems = arrayAt(body, 'line_items', 'line_items').map((item, index): ShopifyLineItem => {
    const path = `line_items[${index}]`;
    const line = objectAt(item, path);
    return {
      id: idAt(line, 'id', `${path}.id`),
      productId: optionalIdAt(line, 'product_id', `${path}.product_id`),
      variantId: optionalIdAt(line, 'variant_id', `${path}.variant_id`),
      sku: optionalStringAt(line, 'sku', `${path}.sku`, textLimits.shopifyText),
      title: stringAt(line, 'title', `${path}.title`, textLimits.shopifyText),
      quantity: integerAt(line, 'quantity', `${path}.quantity`, 1, avroIntMax),
      unitPrice: orderMoney(amountTextAt(line, 'price', `${path}.price`), currency, `${path}.price`),
      totalDiscount: orderMoney(
        optionalAmountTextAt(line, 'total_discount', `${path}.total_discount`) ?? '0',
        currency,
        `${path}.total_discount`,
      ),
    };
  });
  return {
    body,
    currency,
    order: {
      id,
      name: stringAt(body, 'name', 'name', textLimits.shopifyText),
      createdAt,
      financialStatus: optionalStringAt(body, 'financial_status', 'financial_status', textLimits.enumeration),
      customerId: customer ? optionalIdAt(customer, 'id', 'customer.id') : null,
      totalPrice: orderMoney(amountTextAt(body, 'total_price', 'total_price'), currency, 'total_price'),
      lineItems,
    },
  };
}

/** Maps a Shopify orders/create body to the ShopifyOrderCreated event. */
export function mapOrderCreated(payload: unknown, delivery: ShopifyDelivery): ShopifyOrderCreated {
  const { order } = mapOrderBody(payload);
  return {
    metadata: shopifyEventMetadata(delivery, events.shopifyOrderCreated, Date.parse(order.createdAt)),
    order,
  };
}
