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
  const compare = (a: T, b: T) => a.at - b.at || kindRank[a.kind] - kindRank[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // A product sync can release thousands of held orders in a rebuild: the heads wait in a binary
  // heap, so merging costs log(sequences) per event rather than a scan of every sequence.
  const heads = new MinHeap<{ sequence: readonly T[]; next: number }>((a, b) => compare(a.sequence[a.next], b.sequence[b.next]));
  for (const sequence of sequences) if (sequence.length > 0) heads.push({ sequence, next: 0 });
  const merged: T[] = [];
  for (let head = heads.pop(); head !== undefined; head = heads.pop()) {
    merged.push(head.sequence[head.next]);
    if (head.next + 1 < head.sequence.length) heads.push({ sequence: head.sequence, next: head.next + 1 });
  }
  return merged;
}

class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let index = items.length - 1; index > 0;) {
      const parent = (index - 1) >> 1;
      if (this.compare(items[index], items[parent]) >= 0) break;
      [items[index], items[parent]] = [items[parent], items[index]];
      index = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let index = 0; ;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let least = index;
      if (left < items.length && this.compare(items[left], items[least]) < 0) least = left;
      if (right < items.length && this.compare(items[right], items[least]) < 0) least = right;
      if (least === index) return top;
      [items[index], items[least]] = [items[least], items[index]];
      index = least;
    }
  }
}
