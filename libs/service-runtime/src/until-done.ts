import type { Logger } from './logger';
export interface UntilDoneOptions {
  /** Told before each wait, with the failure that caused it. */
  onRetry: (attempt: number, delayMs: number, error: Error) => void;
  /** The first wait; each next one doubles, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `attempt` until it succeeds. A service whose dependency (Kafka, the schema registry) is
 * down or slow at start waits it out, instead of exiting into a crash loop.
 */
export async function untilDone<T>(attempt: () => Promise<T>, options: UntilDoneOptions): Promise<T> {
  const { onRetry, firstDelayMs = 1000, maxDelayMs = 30_000 } = options;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = Math.min(maxDelayMs, firstDelayMs * 2 ** (attemptNumber - 1));
      onRetry(attemptNumber, delayMs, error as Error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * An `onRetry` that logs each failed attempt at start. The first is logged at info: a fresh
 * cluster often answers it (a topic another app just created, its leader not elected yet), and it
 * passes a second later. From the second on, the dependency really is missing: warn.
 */
export function logStartupRetry(logger: Pick<Logger, 'info' | 'warn'>, message: string): UntilDoneOptions['onRetry'] {
  return (attempt, delayMs, error) => logger[attempt === 1 ? 'info' : 'warn']({ attempt, delayMs, err: error.message }, message);
}
