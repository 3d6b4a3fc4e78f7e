import { backoffDelayMs, defaultRetryPolicy } from './retry-policy';

describe('backoffDelayMs', () => {
  it('doubles per attempt, between half and all of the step', () => {
    const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 };
    expect([1, 2, 3].map((attempt) => backoffDelayMs(policy, attempt, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((attempt) => backoffDelayMs(policy, attempt, () => 1))).toEqual([100, 200, 400]);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelayMs({ maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 1000 }, 15, () => 1)).toBe(1000);
  });

  it('gives three attempts by default', () => {
    expect(defaultRetryPolicy.maxAttempts).toBe(3);
  });
});
