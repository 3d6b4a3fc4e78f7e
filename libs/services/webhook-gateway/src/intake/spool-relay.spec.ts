import { drainRound } from './spool-relay';

const row = (id: string, valueBytes: number) => ({
  id,
  records: [{ topic: 'webhooks.raw.v1', key: 'k', value: 'A'.repeat((valueBytes * 4) / 3), headers: {} }],
});

describe('drainRound', () => {
  it('takes the oldest deliveries up to the byte limit, in spool order', () => {
    const rows = [row('1', 300), row('2', 300), row('3', 300)];
    expect(drainRound(rows, 700).map((candidate) => candidate.id)).toEqual(['1', '2']);
    expect(drainRound(rows, 10_000).map((candidate) => candidate.id)).toEqual(['1', '2', '3']);
  });

  it('always takes the oldest delivery, even when it alone is over the limit', () => {
    expect(drainRound([row('big', 3000), row('small', 3)], 1000).map((candidate) => candidate.id)).toEqual(['big']);
    expect(drainRound([])).toEqual([]);
  });
});
