import { PlatformError, problemFrom, toPlatformError } from './index';

describe('PlatformError', () => {
  it('derives the HTTP status and retriability from the category', () => {
    const invalid = new PlatformError('bad field', { code: 'x.invalid', category: 'invalid' });
    const outage = new PlatformError('db down', { code: 'db.down', category: 'dependency' });
    expect([invalid.httpStatus, invalid.retriable]).toEqual([400, false]);
    expect([outage.httpStatus, outage.retriable]).toEqual([503, true]);
  });

  it('keeps an explicit HTTP status', () => {
    const tooLarge = new PlatformError('too big', { code: 'body.too_large', category: 'invalid', httpStatus: 413 });
    expect(tooLarge.httpStatus).toBe(413);
  });

  it('treats unknown errors as transient', () => {
    const converted = toPlatformError(new TypeError('boom'));
    expect(converted.category).toBe('transient');
    expect(converted.code).toBe('internal.unexpected');
    expect(converted.message).toBe('boom');
  });

  it('renders a problem body naming the code, with details', () => {
    const error = new PlatformError('missing field', {
      code: 'webhook.field_missing',
      category: 'invalid',
      details: { field: 'id' },
    });
    expect(problemFrom(error, 'req-1')).toEqual({
      type: 'urn:consign-stream:problem:webhook.field_missing',
      title: 'webhook.field_missing',
      status: 400,
      detail: 'missing field',
      code: 'webhook.field_missing',
      retriable: false,
      requestId: 'req-1',
      field: 'id',
    });
  });
});
