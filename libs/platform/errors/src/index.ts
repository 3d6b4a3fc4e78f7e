export { PlatformError, isPlatformError, toPlatformError } from './platform-error';
export { problemFrom } from './problem';
