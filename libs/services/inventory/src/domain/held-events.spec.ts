import { HeldEventTime, inSourceTimeOrder } from './held-events';

describe('inSourceTimeOrder', () => {
  const level = (id: string, at: number): HeldEventTime => ({ kind: 'inventory_level', at, id });
  const orderEvent = (id: string, at: number): HeldEventTime => ({ kind: 'order_event', at, id });

  it('merges by source time, an order event before a level at the same time, then by id', () => {
    const merged = inSourceTimeOrder([
      [level('level-b', 3000)],
      [level('level-a', 2000)],
      [orderEvent('o2-created', 2000)],
      [orderEvent('o1-created', 1000)],
      [orderEvent('o0-created', 1000)],
    ]);
    expect(merged.map(({ id }) => id)).toEqual(['o0-created', 'o1-created', 'o2-created', 'level-a', 'level-b']);
  });

  it("keeps each sequence's own order, even where its times go back", () => {
    const order = [orderEvent('o1-created', 1000), orderEvent('o1-refund', 5000), orderEvent('o1-cancelled', 4000)];
    const merged = inSourceTimeOrder([order, [level('level-a', 2000)], [level('level-b', 4500)], []]);
    expect(merged.map(({ id }) => id)).toEqual(['o1-created', 'level-a', 'level-b', 'o1-refund', 'o1-cancelled']);
  });

  it('merges thousands of sequences exactly as taking the least head each time would', () => {
    // A deterministic generator, so a failure names the same case every time.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    const sequences = Array.from({ length: 5_000 }, (_, orderIndex) =>
      Array.from({ length: 1 + (next() % 3) }, (_, step) =>
        (orderIndex % 7 === 0 && step === 0 ? level : orderEvent)(`e-${orderIndex}-${step}`, 1_000 * (next() % 400)),
      ),
    );
    const merged = inSourceTimeOrder(sequences);
    expect(merged).toHaveLength(sequences.reduce((sum, sequence) => sum + sequence.length, 0));
    // The reference: repeatedly take the least head, scanning every sequence.
    const remaining = sequences.map((sequence) => [...sequence]);
    const kindRank = { order_event: 0, inventory_level: 1 };
    const reference: HeldEventTime[] = [];
    const before = (a: HeldEventTime, b: HeldEventTime) =>
      (a.at - b.at || kindRank[a.kind] - kindRank[b.kind] || (a.id < b.id ? -1 : 1)) < 0;
    for (;;) {
      let least: HeldEventTime[] | undefined;
      for (const sequence of remaining) if (sequence.length > 0 && (least === undefined || before(sequence[0], least[0]))) least = sequence;
      if (least === undefined) break;
      reference.push(least.shift() as HeldEventTime);
    }
    expect(merged.map(({ id }) => id)).toEqual(reference.map(({ id }) => id));
  });
});
