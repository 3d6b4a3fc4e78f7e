import { consignorSettingsFrom, parseCommissionRatePercent } from './consignor-settings';

describe('parseCommissionRatePercent', () => {
  it.each([
    [0, 0],
    [100, 10_000],
    [35, 3500],
    [37.5, 3750],
    [0.07, 7],
    [12.34, 1234],
    ['12.5', 1250],
    [' 40 ', 4000],
    ['37.500', 3750],
  ])('reads %j as %i basis points', (percent, basisPoints) => {
    expect(parseCommissionRatePercent(percent)).toEqual({ basisPoints });
  });

  it.each([
    [100.01, 'from 0 to 100'],
    [-1, 'from 0 to 100'],
    ['abc', 'from 0 to 100'],
    ['', 'from 0 to 100'],
    [1e-7, 'from 0 to 100'],
    [12.345, 'more than two decimals'],
    [true, 'must be a number'],
    [{ value: 10 }, 'must be a number'],
  ])('refuses %j', (percent, reason) => {
    expect(parseCommissionRatePercent(percent)).toEqual({ reason: expect.stringContaining(reason) });
  });
});

describe('consignorSettingsFrom', () => {
  it('reads clientId and commissionRatePercent from public metadata', () => {
    expect(consignorSettingsFrom('{"clientId":" other-store ","commissionRatePercent":30,"department":"x"}')).toEqual({
      client: { kind: 'named', clientId: 'other-store' },
      commissionRate: { kind: 'valid', basisPoints: 3000 },
    });
  });

  it('treats missing and null settings as absent', () => {
    expect(consignorSettingsFrom('{}')).toEqual({ client: { kind: 'absent' }, commissionRate: { kind: 'absent' } });
    expect(consignorSettingsFrom('{"clientId":null,"commissionRatePercent":null}')).toEqual({
      client: { kind: 'absent' },
      commissionRate: { kind: 'absent' },
    });
  });

  it('keeps what an invalid setting attempted and why it is refused', () => {
    expect(consignorSettingsFrom('{"clientId":42,"commissionRatePercent":"150"}')).toEqual({
      client: { kind: 'malformed', attemptedValue: '42', reason: 'clientId must be a non-empty string' },
      commissionRate: { kind: 'invalid', attemptedValue: '150', reason: 'commissionRatePercent must be a number from 0 to 100' },
    });
  });

  it('does not take unreadable metadata for silence', () => {
    const settings = consignorSettingsFrom('[1]');
    expect(settings.client).toEqual({ kind: 'malformed', attemptedValue: '[1]', reason: 'public metadata is not a JSON object' });
    expect(settings.commissionRate.kind).toBe('invalid');
    expect(consignorSettingsFrom('{not json').client.kind).toBe('malformed');
  });
});
