/** Something held until a product sync brought what it names: an order's event, or a level update. */
export interface HeldEventTime {
  kind: 'order_event' | 'inventory_level';
  /** When the source says it happened. */
  at: number;
  /** Breaks ties between equal times, so the order never depends on how they were read. */
  id: string;
}

/**
 * The order to apply what a product sync releases, given as sequences that keep their own order
 * (a held order's events as they arrived, each level on its own): each step takes the earliest
 * head by source time, so an item's count goes through the steps it would have had the product
 * come first. At equal times an order's event comes first: Shopify's level update for an order's
 * own sale or restock carries its time (to the second) and already counts it, which the level
 * then simply sets.
 */
export function inSourceTimeOrder<T extends HeldEventTime>(sequences: ReadonlyArray<readonly T[]>): T[] {
  const kindRank = { order_event: 0, inventory_level: 1 };
  const comesBefore = (a: T, b: T) => (a.at - b.at || kindRank[a.kind] - kindRank[b.kind] || a.id.localeCompare(b.id)) < 0;
  const remaining = sequences.filter((sequence) => sequence.length > 0).map((sequence) => [...sequence]);
  const merged: T[] = [];
  while (remaining.length > 0) {
    const next = remaining.reduce((earliest, sequence) => (comesBefore(sequence[0], earliest[0]) ? sequence : earliest));
    merged.push(next[0]);
    next.shift();
    if (next.length === 0) remaining.splice(remaining.indexOf(next), 1);
  }
  return merged;
}
