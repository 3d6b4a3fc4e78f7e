import { PlatformError, toPlatformError } from './platform-error';
import { problemFrom, serverFaultDetail } from './problem';

describe('problemFrom', () => {
  it('tells a 4xx caller what is wrong, with the details', () => {
    const problem = problemFrom(
      new PlatformError('field x is missing', { code: 'widget.invalid', category: 'invalid', details: { field: 'x' } }),
      'req-1',
    );
    expect(problem).toEqual({
      type: 'urn:consign-stream:problem:widget.invalid',
      title: 'widget.invalid',
      status: 400,
      detail: 'field x is missing',
      code: 'widget.invalid',
      retriable: false,
      requestId: 'req-1',
      field: 'x',
    });
  });

  it.each([
    [
      'an unexpected error',
      toPlatformError(new Error('connect ECONNREFUSED 10.0.0.7:5432 (password authentication failed for user "gateway")')),
      {},
    ],
    [
      'our own 500',
      new PlatformError('a Svix signing secret is not standard base64', {
        code: 'svix.secret_invalid',
        category: 'transient',
        httpStatus: 500,
        details: { reason: 'not_base64' },
      }),
      { reason: 'not_base64' },
    ],
    [
      'a 503',
      new PlatformError('database unavailable: too many clients already (db.internal)', {
        code: 'database.unavailable',
        category: 'dependency',
      }),
      {},
    ],
  ])('shows no message of %s, only its code and the details it chose to tell', (_name, error, details) => {
    expect(problemFrom(error, 'req-2')).toEqual({
      type: `urn:consign-stream:problem:${error.code}`,
      title: error.code,
      status: error.httpStatus,
      detail: serverFaultDetail,
      code: error.code,
      retriable: true,
      requestId: 'req-2',
      ...details,
    });
  });
});
