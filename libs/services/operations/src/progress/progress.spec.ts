import { formatDuration, Progress } from './progress';

describe('Progress', () => {
  it('reports count, rate and time left, at most once per interval, and always at the end', () => {
    let now = 0;
    const lines: Array<[string, boolean]> = [];
    const progress = new Progress(
      'reading',
      100,
      (line, final) => lines.push([line, final]),
      () => now,
      1000,
    );
    now = 1000;
    progress.advance(10);
    now = 1500;
    progress.advance(10);
    now = 2000;
    progress.advance(20);
    progress.finish();
    expect(lines).toEqual([
      ['reading: 10/100 (10.0/s, ~9s left)', false],
      ['reading: 40/100 (20.0/s, ~3s left)', false],
      ['reading: 40/100 (20.0/s, ~3s left)', true],
    ]);
    expect(
      new Progress(
        'x',
        undefined,
        () => undefined,
        () => 0,
      ).describe(),
    ).toBe('x: 0 (0.0/s)');
  });

  it('formats durations for people', () => {
    expect([formatDuration(4.2), formatDuration(125), formatDuration(7322)]).toEqual(['5s', '2m5s', '2h2m']);
  });
});
