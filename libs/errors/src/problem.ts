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

export function problemFrom(error: PlatformError, requestId?: string): ProblemBody {
  return {
    type: `urn:consign-stream:problem:${error.code}`,
    title: error.code,
    status: error.httpStatus,
    detail: error.message,
    code: error.code,
    retriable: error.retriable,
    ...(requestId ? { requestId } : {}),
    ...error.details,
  };
}
