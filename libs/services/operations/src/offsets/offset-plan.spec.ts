import { planOffsetReset } from './offset-plan';

const watermarks = [
  { partition: 0, low: '2', high: '10' },
  { partition: 1, low: '0', high: '3' },
];
const committed = new Map<number, string | null>([
  [0, '8'],
  [1, null],
]);

describe('planOffsetReset (as kafka-consumer-groups computes targets)', () => {
  it('resets to the log start and counts what is reprocessed', () => {
    const plan = planOffsetReset({ group: 'g', topic: 't', target: { kind: 'earliest' }, watermarks, committed });
    expect(plan.partitions).toEqual([
      { partition: 0, committed: '8', target: '2', toReprocess: 6, toSkip: 0, lagAfter: 8 },
      { partition: 1, committed: null, target: '0', toReprocess: 0, toSkip: 0, lagAfter: 3 },
    ]);
    expect(plan.totalToReprocess).toBe(6);
    expect(plan.target).toBe('earliest');
  });

  it('clamps an offset into the retained log and can pick one partition', () => {
    expect(
      planOffsetReset({ group: 'g', topic: 't', target: { kind: 'offset', offset: '1' }, watermarks, committed }).partitions.map(
        (entry) => entry.target,
      ),
    ).toEqual(['2', '1']);
    expect(
      planOffsetReset({ group: 'g', topic: 't', target: { kind: 'offset', offset: '50' }, watermarks, committed }).partitions.map(
        (entry) => entry.target,
      ),
    ).toEqual(['10', '3']);
    const one = planOffsetReset({ group: 'g', topic: 't', target: { kind: 'offset', offset: '9', partition: 0 }, watermarks, committed });
    expect(one.partitions).toEqual([{ partition: 0, committed: '8', target: '9', toReprocess: 0, toSkip: 1, lagAfter: 1 }]);
    expect(() =>
      planOffsetReset({ group: 'g', topic: 't', target: { kind: 'offset', offset: '1', partition: 7 }, watermarks, committed }),
    ).toThrow('no partition 7');
  });

  it('takes the broker offset for a time, or the log end when no record is that recent', () => {
    const plan = planOffsetReset({
      group: 'g',
      topic: 't',
      target: { kind: 'datetime', at: new Date('2025-01-01T00:00:00Z') },
      watermarks,
      committed,
      offsetsAtTime: new Map([
        [0, '5'],
        [1, '-1'],
      ]),
    });
    expect(plan.partitions.map((entry) => entry.target)).toEqual(['5', '3']);
    expect(plan.target).toBe('datetime 2025-01-01T00:00:00.000Z');
  });

  it('resets to the log end, skipping what is left', () => {
    const plan = planOffsetReset({ group: 'g', topic: 't', target: { kind: 'latest' }, watermarks, committed });
    expect(plan.partitions).toEqual([
      { partition: 0, committed: '8', target: '10', toReprocess: 0, toSkip: 2, lagAfter: 0 },
      { partition: 1, committed: null, target: '3', toReprocess: 0, toSkip: 0, lagAfter: 0 },
    ]);
    expect(plan.target).toBe('latest');
  });

  it('shifts the committed offset either way, clamped into the retained log, and says when it clamped', () => {
    const back = planOffsetReset({ group: 'g', topic: 't', target: { kind: 'shift', by: '-3', partition: 0 }, watermarks, committed });
    expect(back.partitions).toEqual([{ partition: 0, committed: '8', target: '5', toReprocess: 3, toSkip: 0, lagAfter: 5 }]);
    expect(back.target).toBe('shift by -3 on partition 0');
    const tooFarBack = planOffsetReset({
      group: 'g',
      topic: 't',
      target: { kind: 'shift', by: '-50', partition: 0 },
      watermarks,
      committed,
    });
    expect(tooFarBack.partitions[0]).toMatchObject({ target: '2', toReprocess: 6, clamped: { wanted: '-42', to: 'earliest' } });
    const tooFarOn = planOffsetReset({ group: 'g', topic: 't', target: { kind: 'shift', by: '5', partition: 0 }, watermarks, committed });
    expect(tooFarOn.partitions[0]).toMatchObject({ target: '10', toSkip: 2, clamped: { wanted: '13', to: 'latest' } });
    expect(
      planOffsetReset({ group: 'g', topic: 't', target: { kind: 'offset', offset: '50' }, watermarks, committed }).partitions[1].clamped,
    ).toEqual({ wanted: '50', to: 'latest' });
  });

  it('refuses to shift a partition where the group committed nothing, as Kafka does', () => {
    expect(() => planOffsetReset({ group: 'g', topic: 't', target: { kind: 'shift', by: '1' }, watermarks, committed })).toThrow(
      expect.objectContaining({
        code: 'operations.no_committed_offset',
        message: expect.stringContaining('no committed offset on partition(s) 1'),
      }),
    );
  });
});
