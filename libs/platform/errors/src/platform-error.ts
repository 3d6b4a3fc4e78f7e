/**
 * How a consumer treats a failure:
 * - `transient`: may succeed on retry (timeouts, deadlocks).
 * - `invalid`: the input itself is wrong; retrying cannot help (dead-letter at once).
 * - `poison`: the bytes cannot be decoded at all (dead-letter at once).
 * - `dependency`: a dependency we own is down (PostgreSQL); pause, do not burn retries.
 * - `unauthorized`: the caller could not be authenticated.
 */
export type ErrorCategory = 'transient' | 'invalid' | 'poison' | 'dependency' | 'unauthorized';

export interface PlatformErrorOptions {
  /** Stable, machine-readable code, e.g. `shopify.signature_invalid`. */
  code: string;
  category: ErrorCategory;
  /** HTTP status where the error reaches an HTTP caller. */
  httpStatus?: number;
  /** Extra, non-secret facts that help the reader (field names, limits). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error model: every error that crosses a boundary is one of these. */
export class PlatformError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly httpStatus: number;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: PlatformErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'PlatformError';
    this.code = options.code;
    this.category = options.category;
    this.httpStatus = options.httpStatus ?? defaultStatus(options.category);
    this.details = options.details ?? {};
  }

  get retriable(): boolean {
    return this.category === 'transient' || this.category === 'dependency';
  }
}

function defaultStatus(category: ErrorCategory): number {
  switch (category) {
    case 'invalid':
    case 'poison':
      return 400;
    case 'unauthorized':
      return 401;
    case 'dependency':
      return 503;
    case 'transient':
      return 500;
  }
}

export function isPlatformError(value: unknown): value is PlatformError {
  return value instanceof PlatformError;
}

/** Anything unknown is treated as transient: retrying is the safe default for a bug we did not foresee. */
export function toPlatformError(error: unknown): PlatformError {
  if (isPlatformError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError(message, { code: 'internal.unexpected', category: 'transient', cause: error });
}
