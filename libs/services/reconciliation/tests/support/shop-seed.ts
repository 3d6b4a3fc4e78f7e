import { StandInOrder, StandInProduct } from '@consign/test-support';

/** A seeded order with 64-bit ids above 2^53: one consignor line (product 7001…) and one store line. */
export function seededOrder(id: string, overrides: Partial<StandInOrder> = {}): StandInOrder {
  return {
    id,
    name: `#${id.slice(-4)}`,
    createdAt: '2026-11-28T09:00:00-05:00',
    updatedAt: '2026-11-28T09:30:00-05:00',
    displayFinancialStatus: 'PAID',
    currencyCode: 'USD',
    totalPrice: '215.00',
    customerId: '115310627314723954',
    lineItems: [
      {
        id: `${id.slice(0, -2)}11`,
        title: 'Wool jacket',
        sku: 'JKT-M',
        quantity: 2,
        productId: '7001000000000000001',
        variantId: '7001000000000000101',
        inventoryItemId: '7001000000000000201',
        price: '100.00',
        totalDiscount: '10.00',
      },
      {
        id: `${id.slice(0, -2)}12`,
        title: 'Store mug',
        sku: 'MUG',
        quantity: 1,
        productId: '7002000000000000001',
        variantId: '7002000000000000101',
        inventoryItemId: '7002000000000000201',
        price: '25.00',
      },
    ],
    ...overrides,
  };
}

export function seededProducts(): StandInProduct[] {
  return [
    {
      id: '7001000000000000001',
      title: 'Wool jacket',
      status: 'ACTIVE',
      tags: ['vintage', 'consignor:c-7'],
      createdAt: '2026-11-01T10:00:00-05:00',
      updatedAt: '2026-11-20T10:00:00-05:00',
      variants: [
        {
          id: '7001000000000000101',
          title: 'M',
          sku: 'JKT-M',
          price: '100.00',
          inventoryQuantity: 3,
          updatedAt: '2026-11-28T09:00:00-05:00',
          inventoryItemId: '7001000000000000201',
          locationId: '7009000000000000001',
        },
      ],
    },
    {
      id: '7002000000000000001',
      title: 'Store mug',
      status: 'ACTIVE',
      tags: ['house'],
      createdAt: '2026-11-01T10:00:00-05:00',
      updatedAt: '2026-11-20T10:00:00-05:00',
      variants: [
        {
          id: '7002000000000000101',
          title: 'Default',
          sku: 'MUG',
          price: '25.00',
          inventoryQuantity: 40,
          updatedAt: '2026-11-20T10:00:00-05:00',
          inventoryItemId: '7002000000000000201',
          locationId: '7009000000000000001',
        },
      ],
    },
  ];
}
