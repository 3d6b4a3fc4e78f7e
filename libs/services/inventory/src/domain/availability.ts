import { ItemStatus } from './item-status';

export interface AvailabilityLine {
  variantId: string;
  productId: string;
  sku: string | null;
  productTitle: string;
  variantTitle: string;
  status: ItemStatus;
  /** Units a buyer can still buy: none unless the item is available (an archived item's count is not on sale). */
  availableQuantity: number;
}

export interface Availability {
  items: AvailabilityLine[];
  totals: { items: number; availableUnits: number; byStatus: Record<ItemStatus, number> };
}

export function availabilityOf(items: ReadonlyArray<Omit<AvailabilityLine, 'availableQuantity'> & { quantity: number }>): Availability {
  const byStatus: Record<ItemStatus, number> = { available: 0, out_of_stock: 0, sold: 0, archived: 0 };
  const lines = items.map(({ quantity, ...item }): AvailabilityLine => {
    byStatus[item.status] += 1;
    return { ...item, availableQuantity: item.status === 'available' ? Math.max(0, quantity) : 0 };
  });
  return {
    items: lines,
    totals: { items: lines.length, availableUnits: lines.reduce((total, line) => total + line.availableQuantity, 0), byStatus },
  };
}
