import { logStartupRetry, untilDone } from './until-done';

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

describe('logStartupRetry', () => {
  it('logs the first failed attempt at info and every later one at warn', () => {
    const lines: Array<[string, Record<string, unknown>, string]> = [];
    const logger = { info: (fields: object, message: string) => lines.push(['info', fields as Record<string, unknown>, message]), warn: (fields: object, message: string) => lines.push(['warn', fields as Record<string, unknown>, message]) };
    const onRetry = logStartupRetry(logger as never, 'cannot reach Kafka yet; retrying');
    onRetry(1, 1000, new Error('This server does not host this topic-partition'));
    onRetry(2, 2000, new Error('Connection refused'));
    expect(lines).toEqual([
      ['info', { attempt: 1, delayMs: 1000, err: 'This server does not host this topic-partition' }, 'cannot reach Kafka yet; retrying'],
      ['warn', { attempt: 2, delayMs: 2000, err: 'Connection refused' }, 'cannot reach Kafka yet; retrying'],
    ]);
  });
});
