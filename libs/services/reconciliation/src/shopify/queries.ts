/**
 * The Admin GraphQL queries the reconciler reads Shopify with (API version 2026-07). Connections
 * use `nodes` and `pageInfo`; the page size is a variable so the cost can be kept under the bucket.
 */
export const ordersQuery = `#graphql
query ReconcilerOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id
      name
      createdAt
      updatedAt
      cancelledAt
      cancelReason
      displayFinancialStatus
      currencyCode
      customer { id }
      totalPriceSet { shopMoney { amount currencyCode } }
      totalOutstandingSet { shopMoney { amount currencyCode } }
      lineItems(first: 250) {
        nodes {
          id
          title
          sku
          quantity
          currentQuantity
          product { id tags }
          variant { id inventoryItem { id } }
          originalUnitPriceSet { shopMoney { amount currencyCode } }
          totalDiscountSet { shopMoney { amount currencyCode } }
        }
        pageInfo { hasNextPage }
      }
      refunds(first: 20) {
        id
        createdAt
        note
        refundLineItems(first: 250) {
          nodes {
            id
            quantity
            restockType
            lineItem { id }
            subtotalSet { shopMoney { amount currencyCode } }
          }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const productsQuery = `#graphql
query ReconcilerProducts($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) {
    nodes {
      id
      title
      handle
      status
      vendor
      productType
      tags
      createdAt
      updatedAt
      variants(first: 100) {
        nodes {
          id
          title
          sku
          price
          compareAtPrice
          inventoryQuantity
          updatedAt
          inventoryItem {
            id
            updatedAt
            inventoryLevels(first: 1) { nodes { location { id } } }
          }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface MoneyBagNode {
  shopMoney: { amount: string; currencyCode: string };
}

export interface OrderNode {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  displayFinancialStatus: string | null;
  currencyCode: string;
  customer: { id: string } | null;
  totalPriceSet: MoneyBagNode;
  totalOutstandingSet: MoneyBagNode;
  lineItems: {
    nodes: Array<{
      id: string;
      title: string;
      sku: string | null;
      quantity: number;
      currentQuantity: number;
      product: { id: string; tags: string[] } | null;
      variant: { id: string; inventoryItem: { id: string } | null } | null;
      originalUnitPriceSet: MoneyBagNode;
      totalDiscountSet: MoneyBagNode;
    }>;
    pageInfo: { hasNextPage: boolean };
  };
  refunds: Array<{
    id: string;
    createdAt: string;
    note: string | null;
    refundLineItems: {
      nodes: Array<{ id: string; quantity: number; restockType: string | null; lineItem: { id: string }; subtotalSet: MoneyBagNode }>;
    };
  }>;
}

export interface ProductNode {
  id: string;
  title: string;
  handle: string | null;
  status: string;
  vendor: string | null;
  productType: string | null;
  tags: string[];
  createdAt: string | null;
  updatedAt: string | null;
  variants: {
    nodes: Array<{
      id: string;
      title: string;
      sku: string | null;
      price: string;
      compareAtPrice: string | null;
      inventoryQuantity: number | null;
      updatedAt: string;
      inventoryItem: { id: string; updatedAt: string; inventoryLevels: { nodes: Array<{ location: { id: string } }> } } | null;
    }>;
  };
}

export interface Connection<TNode> {
  nodes: TNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
