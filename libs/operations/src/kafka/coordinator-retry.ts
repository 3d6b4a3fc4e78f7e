/**
 * Group operations go to the group's coordinator, which Kafka may be moving or still loading
 * (a new group, a restarted broker): those answers are retriable, and kafkajs' admin does not
 * retry them for offset fetches and commits.
 */
export async function withCoordinatorRetry<T>(operation: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const { type, retriable } = error as { type?: string; retriable?: boolean };
      const coordinatorMoving = type === 'NOT_COORDINATOR' || type === 'COORDINATOR_LOAD_IN_PROGRESS' || type === 'COORDINATOR_NOT_AVAILABLE' || type === 'REBALANCE_IN_PROGRESS';
      if (!(coordinatorMoving || retriable) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
