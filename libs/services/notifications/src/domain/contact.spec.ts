import { decideRecipient, type Contact } from './contact';

const contact: Contact = {
  consignorId: 'c-1',
  tenantId: 'dev-store',
  displayName: 'Ada Lovelace',
  email: 'ada@example.com',
  erased: false,
  active: true,
  deactivationReason: null,
  detailsOccurredAt: new Date('2026-11-28T10:00:00Z'),
  deactivatedAt: null,
};

describe('decideRecipient', () => {
  it('sends to an active consignor with an email address', () => {
    expect(decideRecipient(contact, 'dev-store')).toEqual({ kind: 'send', to: 'ada@example.com', displayName: 'Ada Lovelace' });
  });

  it('greets a consignor without a display name generically', () => {
    expect(decideRecipient({ ...contact, displayName: '  ' }, 'dev-store')).toMatchObject({ kind: 'send', displayName: 'consignor' });
  });

  it('does not know a consignor without a contact, or with only a deactivation so far', () => {
    expect(decideRecipient(undefined, 'dev-store')).toEqual({ kind: 'unknown' });
    expect(decideRecipient({ ...contact, detailsOccurredAt: null, active: true }, 'dev-store')).toEqual({ kind: 'unknown' });
  });

  it('skips a deactivated consignor, with the reason', () => {
    expect(decideRecipient({ ...contact, active: false, deactivationReason: 'left' }, 'dev-store')).toEqual({
      kind: 'skip',
      reason: 'consignor deactivated: left',
    });
    expect(decideRecipient({ ...contact, active: false, detailsOccurredAt: null }, 'dev-store')).toEqual({
      kind: 'skip',
      reason: 'consignor deactivated',
    });
  });

  it('skips a consignor without a usable email address', () => {
    expect(decideRecipient({ ...contact, email: null }, 'dev-store')).toEqual({ kind: 'skip', reason: 'consignor has no email address' });
    expect(decideRecipient({ ...contact, email: 'ada at example' }, 'dev-store')).toEqual({
      kind: 'skip',
      reason: 'consignor email address is not valid',
    });
  });

  it('skips a consignor of another store', () => {
    expect(decideRecipient(contact, 'other-store')).toEqual({
      kind: 'skip',
      reason: 'consignor belongs to store dev-store, not other-store',
    });
  });
});
