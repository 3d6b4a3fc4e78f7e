import { PlatformError } from './platform-error';

/** RFC 9457 problem details, as every HTTP error answer of the platform. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  retriable: boolean;
  requestId?: string;
  [extension: string]: unknown;
}

/** The only detail a 5xx answer gives: its code says what failed, the log has the message. */
export const serverFaultDetail =
  'the request could not be completed on our side; the code says what failed, and the request id finds it in the service log';

/**
 * The answer's body for an error. A 4xx's message says what is wrong with the request. A 5xx is
 * our own fault and its message may carry internals (a database error, a host name): the body
 * shows a generic detail instead, and the caller that answers logs the message. The details are
 * shown either way: they are the facts each error chose to tell its reader (PlatformErrorOptions).
 */
export function problemFrom(error: PlatformError, requestId?: string): ProblemBody {
  return {
    type: `urn:consign-stream:problem:${error.code}`,
    title: error.code,
    status: error.httpStatus,
    detail: error.httpStatus >= 500 ? serverFaultDetail : error.message,
    code: error.code,
    retriable: error.retriable,
    ...(requestId ? { requestId } : {}),
    ...error.details,
  };
}
