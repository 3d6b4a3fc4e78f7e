import { linearDelay, retry } from '@consign/service-runtime';

/**
 * Group operations go to the group's coordinator, which Kafka may be moving or still loading
 * (a new group, a restarted broker): those answers are retriable, and kafkajs' admin does not
 * retry them for offset fetches and commits.
 */
export function withCoordinatorRetry<T>(operation: () => Promise<T>, attempts = 10): Promise<T> {
  return retry(operation, {
    delayMs: linearDelay(200, Infinity),
    retryable: (error, attempt) => {
      const { type, retriable } = error as { type?: string; retriable?: boolean };
      const coordinatorMoving =
        type === 'NOT_COORDINATOR' ||
        type === 'COORDINATOR_LOAD_IN_PROGRESS' ||
        type === 'COORDINATOR_NOT_AVAILABLE' ||
        type === 'REBALANCE_IN_PROGRESS';
      return (coordinatorMoving || retriable === true) && attempt < attempts;
    },
  });
}
