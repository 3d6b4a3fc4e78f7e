import { ShopifyOrder } from '@consign/contracts';
import { ShopifyOrderState, ShopifyProductState } from '../domain/shopify-state';
import { numericIdOf } from './gid';
import { moneyOf } from './money';
import { MoneyBagNode, OrderNode, ProductNode } from './queries';

function shopMoney(bag: MoneyBagNode) {
  return moneyOf(bag.shopMoney.amount, bag.shopMoney.currencyCode);
}

/** GraphQL enums (PARTIALLY_REFUNDED) as the webhooks spell them (partially_refunded), which the services read. */
function webhookSpelling(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

/** An order node as the platform's order events carry it: exact decimal ids, integer minor units. */
export function orderStateOf(node: OrderNode): ShopifyOrderState {
  const orderId = numericIdOf(node.id, 'Order');
  if (node.lineItems.pageInfo.hasNextPage) {
    throw new Error(`order ${orderId} has more than 250 lines; the reconciler reads at most 250`);
  }
  const currentQuantities: Record<string, number> = {};
  const lineProductTags: Record<string, string[]> = {};
  const lineItems: ShopifyOrder['lineItems'] = node.lineItems.nodes.map((line) => {
    const id = numericIdOf(line.id, 'LineItem');
    currentQuantities[id] = line.currentQuantity;
    lineProductTags[id] = line.product?.tags ?? [];
    return {
      id,
      productId: line.product ? numericIdOf(line.product.id, 'Product') : null,
      variantId: line.variant ? numericIdOf(line.variant.id, 'ProductVariant') : null,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      unitPrice: shopMoney(line.originalUnitPriceSet),
      totalDiscount: shopMoney(line.totalDiscountSet),
    };
  });
  return {
    order: {
      id: orderId,
      name: node.name,
      createdAt: node.createdAt,
      financialStatus: webhookSpelling(node.displayFinancialStatus),
      customerId: node.customer ? numericIdOf(node.customer.id, 'Customer') : null,
      totalPrice: shopMoney(node.totalPriceSet),
      lineItems,
    },
    updatedAt: node.updatedAt,
    cancelledAt: node.cancelledAt,
    cancelReason: webhookSpelling(node.cancelReason),
    totalOutstanding: shopMoney(node.totalOutstandingSet),
    currentQuantities,
    refunds: node.refunds.map((refund) => ({
      id: numericIdOf(refund.id, 'Refund'),
      createdAt: refund.createdAt,
      note: refund.note,
      refundLineItems: refund.refundLineItems.nodes.map((item) => ({
        id: numericIdOf(item.id, 'RefundLineItem'),
        lineItemId: numericIdOf(item.lineItem.id, 'LineItem'),
        quantity: item.quantity,
        restockType: webhookSpelling(item.restockType),
        subtotal: shopMoney(item.subtotalSet),
      })),
    })),
    lineProductTags,
  };
}

/** A product node as ShopifyProductUpserted carries it; variant prices are in the shop's currency. */
export function productStateOf(node: ProductNode, shopCurrency: string): ShopifyProductState {
  const variants = node.variants.nodes;
  return {
    product: {
      id: numericIdOf(node.id, 'Product'),
      title: node.title,
      handle: node.handle,
      status: node.status.toLowerCase(),
      vendor: node.vendor,
      productType: node.productType,
      tags: node.tags.map((tag) => tag.trim()).filter((tag) => tag !== ''),
      createdAt: node.createdAt,
      updatedAt: node.updatedAt,
      variants: variants.map((variant) => ({
        id: numericIdOf(variant.id, 'ProductVariant'),
        title: variant.title,
        sku: variant.sku,
        price: moneyOf(variant.price, shopCurrency),
        compareAtPrice: variant.compareAtPrice === null ? null : moneyOf(variant.compareAtPrice, shopCurrency),
        inventoryItemId: variant.inventoryItem ? numericIdOf(variant.inventoryItem.id, 'InventoryItem') : null,
        inventoryQuantity: variant.inventoryQuantity,
      })),
    },
    stock: variants.map((variant) => {
      const location = variant.inventoryItem?.inventoryLevels.nodes[0]?.location.id;
      const itemUpdatedAt = variant.inventoryItem?.updatedAt;
      return {
        variantId: numericIdOf(variant.id, 'ProductVariant'),
        inventoryItemId: variant.inventoryItem ? numericIdOf(variant.inventoryItem.id, 'InventoryItem') : null,
        locationId: location === undefined ? null : numericIdOf(location, 'Location'),
        updatedAt:
          itemUpdatedAt !== undefined && Date.parse(itemUpdatedAt) > Date.parse(variant.updatedAt) ? itemUpdatedAt : variant.updatedAt,
      };
    }),
  };
}
