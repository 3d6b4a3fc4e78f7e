import { decideDelivery, decideRecipient, type Contact } from './contact';

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

describe('decideDelivery', () => {
  const receivedAt = Date.parse('2026-11-28T10:00:00Z');
  const cause = { tenantId: 'dev-store', receivedAt };
  const week = 7 * 86_400_000;

  it('sends what decideRecipient sends while the event is younger than the limit, and at the limit itself', () => {
    const send = { kind: 'send', to: 'ada@example.com', displayName: 'Ada Lovelace' };
    expect(decideDelivery(contact, cause, { maxEventAgeMs: week, nowMs: receivedAt + 5_000 })).toEqual(send);
    expect(decideDelivery(contact, cause, { maxEventAgeMs: week, nowMs: receivedAt + week })).toEqual(send);
    expect(decideDelivery(contact, cause, undefined)).toEqual(send);
  });

  it('skips an email whose event was received longer ago than the limit, saying how long and naming the setting', () => {
    expect(decideDelivery(contact, cause, { maxEventAgeMs: week, nowMs: receivedAt + week + 1 })).toEqual({
      kind: 'skip',
      reason: 'too late to send: its event was received 7 d ago, more than NOTIFICATION_MAX_EVENT_AGE (7 d)',
    });
    expect(decideDelivery(contact, cause, { maxEventAgeMs: 60_000, nowMs: receivedAt + 3 * 3_600_000 })).toMatchObject({
      reason: 'too late to send: its event was received 3 h ago, more than NOTIFICATION_MAX_EVENT_AGE (1 min)',
    });
    expect(decideDelivery(contact, cause, { maxEventAgeMs: 1_000, nowMs: receivedAt + 42_500 })).toMatchObject({
      reason: 'too late to send: its event was received 42 s ago, more than NOTIFICATION_MAX_EVENT_AGE (1 s)',
    });
  });

  it('skips a late email even when the consignor is not known yet, so nothing waits for a contact to send it late', () => {
    expect(decideDelivery(undefined, cause, { maxEventAgeMs: week, nowMs: receivedAt + 2 * week })).toMatchObject({ kind: 'skip' });
    expect(decideDelivery(undefined, cause, { maxEventAgeMs: week, nowMs: receivedAt })).toEqual({ kind: 'unknown' });
  });
});
