export { PlatformError, isPlatformError, toPlatformError } from './platform-error';
export type { ErrorCategory, PlatformErrorOptions } from './platform-error';
export { problemFrom } from './problem';
export type { ProblemBody } from './problem';
