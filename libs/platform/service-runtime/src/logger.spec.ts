import { Writable } from 'node:stream';
import { censorSecrets, createLogger } from './logger';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('probe', 'info', destination), lines };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with the service, the level name and an ISO time', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ requestId: 'r-1' }, 'webhook request');
    expect(lines).toEqual([expect.objectContaining({ service: 'probe', level: 'info', requestId: 'r-1', msg: 'webhook request' })]);
    expect(new Date(String(lines[0].time)).toISOString()).toBe(lines[0].time);
  });

  it('censors secret-named fields at the top and one object down, and nothing else', () => {
    const { logger, lines } = capturedLogger();
    const tenant = { id: 'shop-a', secret: 'shpss_1', nested: { password: 'kept deeper' } };
    logger.warn(
      {
        password: 'p',
        tenant,
        headers: { authorization: 'Bearer x', signature: 'v1,abc', accept: '*/*' },
        config: { apiKey: 'k', port: 3000 },
      },
      'probe',
    );
    expect(lines[0]).toMatchObject({
      password: '[redacted]',
      tenant: { id: 'shop-a', secret: '[redacted]', nested: { password: 'kept deeper' } },
      headers: { authorization: '[redacted]', signature: '[redacted]', accept: '*/*' },
      config: { apiKey: '[redacted]', port: 3000 },
    });
    expect(tenant.secret).toBe('shpss_1');
  });
});

describe('censorSecrets', () => {
  it('returns an entry without secrets as it is, without copying', () => {
    const entry = { requestId: 'r-1', audit: { tenant: 'shop-a', status: 200 }, list: [{ secret: 'arrays are not entries' }] };
    expect(censorSecrets(entry)).toBe(entry);
  });
});
