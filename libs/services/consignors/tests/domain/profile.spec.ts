import { devStore, fixtureUser } from '../support/clerk-user-events';
import { ConsignorProfile } from '../../src/domain/consignor';
import { consignorSettingsFrom } from '../../src/domain/consignor-settings';
import { changesBetween, displayNameOf, initialProfile, isValidEmail, reconcileProfile } from '../../src/domain/profile';

const noNames = { firstName: null, lastName: null, username: null, email: null, userId: 'user_1' };

describe('displayNameOf', () => {
  it.each([
    [{ ...noNames, firstName: 'Ada', lastName: 'Lovelace', username: 'ada' }, 'Ada Lovelace'],
    [{ ...noNames, firstName: ' Ada ', username: 'ada' }, 'Ada'],
    [{ ...noNames, lastName: 'Lovelace' }, 'Lovelace'],
    [{ ...noNames, firstName: '  ', username: 'ada', email: 'ada@example.org' }, 'ada'],
    [{ ...noNames, email: 'ada@example.org' }, 'ada@example.org'],
    [noNames, 'user_1'],
  ])('%j is shown as %s', (parts, name) => {
    expect(displayNameOf(parts)).toBe(name);
  });
});

describe('isValidEmail', () => {
  it.each(['example@example.org', 'a.b+tag@mail.example.co.uk'])('accepts %s', (email) => expect(isValidEmail(email)).toBe(true));
  it.each(['example', 'a@b', 'a b@example.org', 'a@@example.org', 'a@example.', `${'a'.repeat(250)}@example.org`])('refuses %s', (email) =>
    expect(isValidEmail(email)).toBe(false),
  );
});

describe('initialProfile', () => {
  it('initialises from the user with the client default rate', () => {
    expect(initialProfile(fixtureUser, consignorSettingsFrom('{}'), devStore)).toEqual({
      profile: {
        displayName: 'Example Example',
        email: 'example@example.org',
        firstName: 'Example',
        lastName: 'Example',
        commissionRateBasisPoints: 4000,
      },
      rejections: [],
    });
  });

  it('takes the rate from public metadata', () => {
    expect(
      initialProfile(fixtureUser, consignorSettingsFrom('{"commissionRatePercent":33.33}'), devStore).profile.commissionRateBasisPoints,
    ).toBe(3333);
  });

  it('refuses an invalid rate or email, keeping the default and no email, and says so', () => {
    const user = { ...fixtureUser, firstName: null, lastName: null, primaryEmail: 'not-an-email' };
    expect(initialProfile(user, consignorSettingsFrom('{"commissionRatePercent":120}'), devStore)).toEqual({
      profile: { displayName: fixtureUser.id, email: null, firstName: null, lastName: null, commissionRateBasisPoints: 4000 },
      rejections: [
        { field: 'email', attemptedValue: 'not-an-email', reason: 'not a valid email address' },
        { field: 'commissionRatePercent', attemptedValue: '120', reason: 'commissionRatePercent must be a number from 0 to 100' },
      ],
    });
  });
});

describe('changesBetween', () => {
  const before: ConsignorProfile = {
    displayName: 'A B',
    email: 'a@example.org',
    firstName: 'A',
    lastName: 'B',
    commissionRateBasisPoints: 4000,
  };

  it('lists only the fields that differ, in a fixed order', () => {
    expect(changesBetween(before, { ...before, commissionRateBasisPoints: 3000, email: null })).toEqual([
      { field: 'email', from: 'a@example.org', to: null },
      { field: 'commissionRateBasisPoints', from: 4000, to: 3000 },
    ]);
  });

  it('finds nothing in an identical profile', () => {
    expect(changesBetween(before, { ...before })).toEqual([]);
  });
});

describe('reconcileProfile', () => {
  const current = { ...initialProfile(fixtureUser, consignorSettingsFrom('{}'), devStore).profile, tenantId: 'dev-store' };

  it('changes nothing for the same user', () => {
    expect(reconcileProfile(current, fixtureUser, consignorSettingsFrom('{}'))).toEqual({
      profile: expect.any(Object),
      changes: [],
      rejections: [],
    });
  });

  it('reports a changed name together with the display name it changes', () => {
    expect(reconcileProfile(current, { ...fixtureUser, lastName: 'Doe' }, consignorSettingsFrom('{}')).changes).toEqual([
      { field: 'displayName', from: 'Example Example', to: 'Example Doe' },
      { field: 'lastName', from: 'Example', to: 'Doe' },
    ]);
  });

  it('keeps the current rate when the metadata has none, and takes a new one when it has', () => {
    const custom = { ...current, commissionRateBasisPoints: 3000 };
    expect(reconcileProfile(custom, fixtureUser, consignorSettingsFrom('{}')).changes).toEqual([]);
    expect(reconcileProfile(custom, fixtureUser, consignorSettingsFrom('{"commissionRatePercent":"25"}')).changes).toEqual([
      { field: 'commissionRateBasisPoints', from: 3000, to: 2500 },
    ]);
  });

  it('keeps the email when the update carries none', () => {
    expect(reconcileProfile(current, { ...fixtureUser, primaryEmail: null }, consignorSettingsFrom('{}')).profile.email).toBe(
      'example@example.org',
    );
  });

  it('rejects an invalid email and rate but applies the rest', () => {
    const result = reconcileProfile(
      current,
      { ...fixtureUser, firstName: 'New', primaryEmail: 'broken@' },
      consignorSettingsFrom('{"commissionRatePercent":-5}'),
    );
    expect(result.changes.map((change) => change.field)).toEqual(['displayName', 'firstName']);
    expect(result.rejections).toEqual([
      { field: 'email', attemptedValue: 'broken@', reason: 'not a valid email address' },
      { field: 'commissionRatePercent', attemptedValue: '-5', reason: 'commissionRatePercent must be a number from 0 to 100' },
    ]);
  });

  it('rejects public metadata naming another client, or an unusable one, and never moves the consignor', () => {
    expect(reconcileProfile(current, fixtureUser, consignorSettingsFrom('{"clientId":"other-store"}')).rejections).toEqual([
      { field: 'clientId', attemptedValue: 'other-store', reason: 'a consignor never changes client: it belongs to "dev-store"' },
    ]);
    expect(reconcileProfile(current, fixtureUser, consignorSettingsFrom('{"clientId":""}')).rejections).toEqual([
      { field: 'clientId', attemptedValue: '', reason: 'clientId must be a non-empty string' },
    ]);
    expect(reconcileProfile(current, fixtureUser, consignorSettingsFrom('{"clientId":"dev-store"}')).rejections).toEqual([]);
  });
});
