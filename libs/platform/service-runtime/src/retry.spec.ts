import { exponentialDelay, linearDelay, logStartupRetry, retry, untilDone } from './retry';

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

describe('retry', () => {
  it('throws at once a failure that is not retryable, and the last one when the condition says so', async () => {
    let calls = 0;
    const notRetryable = retry(
      async () => {
        calls += 1;
        throw new Error('refused');
      },
      { delayMs: () => 1, retryable: (error) => (error as Error).message !== 'refused' },
    );
    await expect(notRetryable).rejects.toThrow('refused');
    expect(calls).toBe(1);
    const attempts: number[] = [];
    await expect(
      retry(
        async (attempt) => {
          attempts.push(attempt);
          throw new Error(`timeout ${attempt}`);
        },
        { delayMs: () => 1, retryable: (_error, attempt) => attempt < 3 },
      ),
    ).rejects.toThrow('timeout 3');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('starts no attempt once stopped, and resolves undefined', async () => {
    let stopped = false;
    let calls = 0;
    const result = await retry(
      async () => {
        calls += 1;
        stopped = calls === 2;
        throw new Error('down');
      },
      { delayMs: () => 1, stopped: () => stopped },
    );
    expect(result).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('grows its waits exponentially or linearly, up to a ceiling', () => {
    expect([1, 2, 3, 4, 5].map(exponentialDelay(100, 1000))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3, 40].map(linearDelay(1000, 30_000))).toEqual([1000, 2000, 3000, 30_000]);
  });
});

describe('logStartupRetry', () => {
  it('logs the first failed attempt at info and every later one at warn', () => {
    const lines: Array<[string, Record<string, unknown>, string]> = [];
    const logger = {
      info: (fields: object, message: string) => lines.push(['info', fields as Record<string, unknown>, message]),
      warn: (fields: object, message: string) => lines.push(['warn', fields as Record<string, unknown>, message]),
    };
    const onRetry = logStartupRetry(logger as never, 'cannot reach Kafka yet; retrying');
    onRetry(1, 1000, new Error('This server does not host this topic-partition'));
    onRetry(2, 2000, new Error('Connection refused'));
    expect(lines).toEqual([
      ['info', { attempt: 1, delayMs: 1000, err: 'This server does not host this topic-partition' }, 'cannot reach Kafka yet; retrying'],
      ['warn', { attempt: 2, delayMs: 2000, err: 'Connection refused' }, 'cannot reach Kafka yet; retrying'],
    ]);
  });
});
