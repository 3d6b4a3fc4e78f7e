import { withCoordinatorRetry } from './coordinator-retry';

const kafkaError = (type: string, retriable: boolean) => Object.assign(new Error(type), { type, retriable });

describe('withCoordinatorRetry', () => {
  it('retries while the coordinator moves or loads, then answers', async () => {
    const failures = [kafkaError('NOT_COORDINATOR', true), kafkaError('COORDINATOR_LOAD_IN_PROGRESS', true)];
    let calls = 0;
    const answer = await withCoordinatorRetry(async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'offsets';
    });
    expect({ answer, calls }).toEqual({ answer: 'offsets', calls: 3 });
  });

  it('does not retry what cannot succeed, and gives up after the attempts', async () => {
    let calls = 0;
    await expect(
      withCoordinatorRetry(async () => {
        calls += 1;
        throw kafkaError('GROUP_AUTHORIZATION_FAILED', false);
      }),
    ).rejects.toThrow('GROUP_AUTHORIZATION_FAILED');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withCoordinatorRetry(async () => {
        calls += 1;
        throw kafkaError('NOT_COORDINATOR', true);
      }, 2),
    ).rejects.toThrow('NOT_COORDINATOR');
    expect(calls).toBe(2);
  });
});
