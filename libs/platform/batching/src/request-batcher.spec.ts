import { RequestBatcher } from './request-batcher';

/** A batch function that records each batch and answers when the test releases it. */
function recordingBatches() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const run = (requests: number[]): Promise<string[]> => {
    batches.push(requests);
    return new Promise((resolve) => releases.push(() => resolve(requests.map((request) => `answer ${request}`))));
  };
  return { batches, releases, run };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RequestBatcher', () => {
  it('sends requests of the same turn together and answers each with its own result', async () => {
    const { batches, releases, run } = recordingBatches();
    const batcher = new RequestBatcher(run, { maxInFlight: 1, maxBatchSize: 10 });
    const answers = Promise.all([1, 2, 3].map((request) => batcher.submit(request)));
    await turn();
    expect(batches).toEqual([[1, 2, 3]]);
    releases[0]();
    expect(await answers).toEqual(['answer 1', 'answer 2', 'answer 3']);
  });

  it('holds requests while the batches in flight are full and sends them together when one returns', async () => {
    const { batches, releases, run } = recordingBatches();
    const batcher = new RequestBatcher(run, { maxInFlight: 1, maxBatchSize: 10 });
    const first = batcher.submit(1);
    await turn();
    const later = [batcher.submit(2), batcher.submit(3)];
    await turn();
    expect(batches).toEqual([[1]]);
    releases[0]();
    expect(await first).toBe('answer 1');
    await turn();
    expect(batches).toEqual([[1], [2, 3]]);
    releases[1]();
    expect(await Promise.all(later)).toEqual(['answer 2', 'answer 3']);
  });

  it('with lingerMs, gathers what arrives within the window into one batch that leaves after it', async () => {
    // Fake clock: on a busy machine a real 20 ms sleep can outlast the whole window.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { batches, releases, run } = recordingBatches();
      const batcher = new RequestBatcher(run, { maxInFlight: 1, maxBatchSize: 10, lingerMs: 60 });
      const answers = [batcher.submit(1)];
      jest.advanceTimersByTime(20);
      answers.push(batcher.submit(2));
      await turn();
      expect(batches).toEqual([]);
      // The window runs from the first request: 59 ms after it nothing has left, at 60 ms both go.
      jest.advanceTimersByTime(39);
      await turn();
      expect(batches).toEqual([]);
      jest.advanceTimersByTime(1);
      await turn();
      expect(batches).toEqual([[1, 2]]);
      releases[0]();
      expect(await Promise.all(answers)).toEqual(['answer 1', 'answer 2']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('drains without waiting out the linger', async () => {
    const { batches, releases, run } = recordingBatches();
    // Longer than the test's timeout: a drain that waited for it would fail the test.
    const batcher = new RequestBatcher(run, { maxInFlight: 1, maxBatchSize: 10, lingerMs: 120_000 });
    const answers = Promise.all([batcher.submit(1), batcher.submit(2)]);
    const drained = batcher.drain();
    await turn();
    expect(batches).toEqual([[1, 2]]);
    releases[0]();
    await drained;
    expect(await answers).toEqual(['answer 1', 'answer 2']);
  });

  it('splits at the maximum batch size and runs up to maxInFlight batches at once', async () => {
    const { batches, releases, run } = recordingBatches();
    const batcher = new RequestBatcher(run, { maxInFlight: 2, maxBatchSize: 2 });
    const answers = Promise.all([1, 2, 3, 4, 5].map((request) => batcher.submit(request)));
    await turn();
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    releases[0]();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    releases[1]();
    releases[2]();
    expect(await answers).toEqual([1, 2, 3, 4, 5].map((request) => `answer ${request}`));
  });

  it('fails exactly the requests of a failed batch, and later batches still run', async () => {
    let calls = 0;
    const batcher = new RequestBatcher(
      async (requests: number[]) => {
        calls += 1;
        if (calls === 1) throw new Error('database unreachable');
        return requests.map((request) => request * 10);
      },
      { maxInFlight: 1, maxBatchSize: 10 },
    );
    const failed = [batcher.submit(1), batcher.submit(2)];
    await expect(Promise.all(failed)).rejects.toThrow('database unreachable');
    await expect(failed[1]).rejects.toThrow('database unreachable');
    expect(await batcher.submit(3)).toBe(30);
  });

  it('rejects a batch whose answer does not have one result per request', async () => {
    const batcher = new RequestBatcher(async () => ['only one'], { maxInFlight: 1, maxBatchSize: 10 });
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow('a batch of 2 requests returned 1 results');
  });

  it('drains: resolves only once every waiting and running batch has been answered', async () => {
    const { batches, releases, run } = recordingBatches();
    const batcher = new RequestBatcher(run, { maxInFlight: 1, maxBatchSize: 1 });
    const answers = Promise.all([batcher.submit(1), batcher.submit(2)]);
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    await turn();
    releases[0]();
    await turn();
    expect(batches).toEqual([[1], [2]]);
    expect(drained).toBe(false);
    releases[1]();
    await draining;
    expect(await answers).toEqual(['answer 1', 'answer 2']);
  });

  it('keeps each batch within its weight, sending a single heavier request alone', async () => {
    const { batches, releases, run } = recordingBatches();
    const batcher = new RequestBatcher(run, { maxInFlight: 1, maxBatchSize: 10, maxBatchWeight: 10, weigh: (request) => request });
    const answers = Promise.all([3, 4, 5, 12, 2].map((request) => batcher.submit(request)));
    for (let index = 0; index < 4; index += 1) {
      await turn();
      releases[index]();
      await turn();
    }
    expect(await answers).toEqual([3, 4, 5, 12, 2].map((request) => `answer ${request}`));
    expect(batches).toEqual([[3, 4], [5], [12], [2]]);
  });
});
