import { HeldEventTime, inSourceTimeOrder } from './held-events';

describe('inSourceTimeOrder', () => {
  const level = (id: string, at: number): HeldEventTime => ({ kind: 'inventory_level', at, id });
  const orderEvent = (id: string, at: number): HeldEventTime => ({ kind: 'order_event', at, id });

  it('merges by source time, an order event before a level at the same time, then by id', () => {
    const merged = inSourceTimeOrder([[level('level-b', 3000)], [level('level-a', 2000)], [orderEvent('o2-created', 2000)], [orderEvent('o1-created', 1000)], [orderEvent('o0-created', 1000)]]);
    expect(merged.map(({ id }) => id)).toEqual(['o0-created', 'o1-created', 'o2-created', 'level-a', 'level-b']);
  });

  it("keeps each sequence's own order, even where its times go back", () => {
    const order = [orderEvent('o1-created', 1000), orderEvent('o1-refund', 5000), orderEvent('o1-cancelled', 4000)];
    const merged = inSourceTimeOrder([order, [level('level-a', 2000)], [level('level-b', 4500)], []]);
    expect(merged.map(({ id }) => id)).toEqual(['o1-created', 'level-a', 'level-b', 'o1-refund', 'o1-cancelled']);
  });
});
