import { loadEarningsConfig } from './config';

describe('earnings-service configuration', () => {
  it('owns the consign_earnings database and port 3002 by default', () => {
    expect(loadEarningsConfig({ NODE_ENV: 'development' })).toMatchObject({
      port: 3002,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_earnings',
      consumerGroup: 'earnings-service',
      holdGracePeriodMs: 900_000,
    });
  });

  it('names the variable when a value is wrong', () => {
    expect(() => loadEarningsConfig({ NODE_ENV: 'development', EARNINGS_PORT: '70000' })).toThrow('EARNINGS_PORT');
  });
});
