import { tenants } from '../support/clerk-user-events';
import { determineClient } from '../../src/domain/client-determination';

describe('determineClient', () => {
  it('takes the client named by public metadata, even over the event tenant', () => {
    expect(determineClient({ kind: 'named', clientId: 'other-store' }, 'dev-store', tenants)).toMatchObject({
      determined: true,
      tenant: { id: 'other-store' },
    });
  });

  it('falls back to the tenant the event came from', () => {
    expect(determineClient({ kind: 'absent' }, 'dev-store', tenants)).toMatchObject({ determined: true, tenant: { id: 'dev-store' } });
  });

  it('holds a user whose metadata names an unknown client, whatever the event tenant', () => {
    expect(determineClient({ kind: 'named', clientId: 'nowhere' }, 'dev-store', tenants)).toEqual({
      determined: false,
      reason: 'public metadata names clientId "nowhere", which is not a known client',
    });
  });

  it('holds a user without a clientId whose event tenant is unknown', () => {
    expect(determineClient({ kind: 'absent' }, 'gone-store', tenants)).toEqual({
      determined: false,
      reason: `no clientId in public metadata and the event's tenant "gone-store" is not a known client`,
    });
  });

  it('holds a user whose clientId is unusable rather than guessing', () => {
    expect(
      determineClient({ kind: 'malformed', attemptedValue: '42', reason: 'clientId must be a non-empty string' }, 'dev-store', tenants),
    ).toEqual({
      determined: false,
      reason: 'public metadata clientId is unusable (clientId must be a non-empty string): 42',
    });
  });
});
