import { untilDone } from './until-done';

describe('untilDone', () => {
  it('retries a failing attempt with doubling waits until it succeeds, and returns its result', async () => {
    const retries: Array<[number, number, string]> = [];
    let calls = 0;
    const startedAt = Date.now();
    const result = await untilDone(
      async () => {
        calls += 1;
        if (calls < 4) throw new Error(`registry timeout ${calls}`);
        return 'registered';
      },
      { firstDelayMs: 10, maxDelayMs: 25, onRetry: (attempt, delayMs, error) => retries.push([attempt, delayMs, error.message]) },
    );
    expect(result).toBe('registered');
    expect(retries).toEqual([
      [1, 10, 'registry timeout 1'],
      [2, 20, 'registry timeout 2'],
      [3, 25, 'registry timeout 3'],
    ]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
  });
});
