/** The parts of inventory's `GET /orders/:orderId` the reconciler compares. */
export interface LocalOrder {
  orderId: string;
  state: 'received' | 'cancelled' | 'cancellation_held';
  cancelledAt: string | null;
  /** Inventory's lines: what each sold for a consignor, and how much of it was released since. */
  lines?: Array<{ lineItemId: string; quantitySold: number; quantityReleased: number }>;
}

/** The parts of inventory's `GET /products/:productId` the reconciler compares. */
export interface LocalProduct {
  productId: string;
  items: Array<{ variantId: string; inventoryItemId: string | null; quantity: number }>;
}

/** One ledger entry of earnings' `GET /orders/:orderId/earnings`. */
export interface LocalEarningsEntry {
  type: 'sale' | 'reversal';
  consignorId: string;
  /** Units the entry sold, or reversed. */
  quantity: number;
  lineItemId: string;
  grossMinor: number;
}
