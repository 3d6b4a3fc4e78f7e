import type { Logger } from './logger';

/** How `retry` tries again. */
export interface RetryOptions {
  /** The wait after attempt `attempt` failed (see exponentialDelay, linearDelay). */
  delayMs: (attempt: number) => number;
  /** Whether attempt `attempt`'s failure is worth another try; when not, its error is thrown. Default: always. */
  retryable?: (error: unknown, attempt: number) => boolean;
  /** Told before each wait, with the failure that caused it. */
  onRetry?: (attempt: number, delayMs: number, error: Error) => void;
  /** Checked before each attempt: once true, no attempt starts and `retry` resolves undefined. */
  stopped?: () => boolean;
  /** Waits that do not keep a stopping process alive. */
  unref?: boolean;
}

/**
 * The one retry loop: runs `attempt` (numbered from 1) until it succeeds, its failure is not
 * retryable, or the caller stops it. Every wait and condition is the caller's, by name.
 */
export async function retry<T>(
  attempt: (attempt: number) => Promise<T>,
  options: RetryOptions & { stopped: () => boolean },
): Promise<T | undefined>;
export async function retry<T>(attempt: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T>;
export async function retry<T>(attempt: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T | undefined> {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    if (options.stopped?.()) return undefined;
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (options.retryable && !options.retryable(error, attemptNumber)) throw error;
      const delayMs = options.delayMs(attemptNumber);
      options.onRetry?.(attemptNumber, delayMs, error as Error);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        if (options.unref) timer.unref();
      });
    }
  }
}

/** `firstMs`, then doubling, up to `maxMs`. */
export const exponentialDelay = (firstMs: number, maxMs: number) => (attempt: number) => Math.min(maxMs, firstMs * 2 ** (attempt - 1));

/** `stepMs` × the attempt, up to `maxMs`. */
export const linearDelay = (stepMs: number, maxMs: number) => (attempt: number) => Math.min(maxMs, stepMs * attempt);

/**
 * Runs `attempt` until it succeeds. A service whose dependency (Kafka, the schema registry) is
 * down or slow at start waits it out, instead of exiting into a crash loop.
 */
export function untilDone<T>(
  attempt: () => Promise<T>,
  options: { onRetry: RetryOptions['onRetry']; firstDelayMs?: number; maxDelayMs?: number },
): Promise<T> {
  return retry(attempt, {
    delayMs: exponentialDelay(options.firstDelayMs ?? 1000, options.maxDelayMs ?? 30_000),
    onRetry: options.onRetry,
  });
}

/**
 * An `onRetry` that logs each failed attempt at start. The first is logged at info: a fresh
 * cluster often answers it (a topic another app just created, its leader not elected yet), and it
 * passes a second later. From the second on, the dependency really is missing: warn.
 */
export function logStartupRetry(logger: Pick<Logger, 'info' | 'warn'>, message: string): NonNullable<RetryOptions['onRetry']> {
  return (attempt, delayMs, error) => logger[attempt === 1 ? 'info' : 'warn']({ attempt, delayMs, err: error.message }, message);
}
