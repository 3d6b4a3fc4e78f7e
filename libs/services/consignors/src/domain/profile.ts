import { ClerkUser } from '@consign/contracts';
import { Tenant } from '@consign/tenants';
import { ConsignorProfile, ProfileField, profileFields } from './consignor';
import { ConsignorSettings } from './consignor-settings';

/** A change a Clerk event asked for and the service refused; the rest of the event still applies. */
export interface RejectedChange {
  /** Where the user tried to set it: `email`, or the public metadata key (`clientId`, `commissionRatePercent`). */
  field: string;
  attemptedValue: string | null;
  reason: string;
}

export interface FieldChange {
  field: ProfileField;
  from: string | number | null;
  to: string | number | null;
}

export interface InitialProfile {
  profile: ConsignorProfile;
  rejections: RejectedChange[];
}

export interface ProfileReconciliation {
  profile: ConsignorProfile;
  changes: FieldChange[];
  rejections: RejectedChange[];
}

/** First and last name, else the username, else the email, else the Clerk user id: never empty. */
export function displayNameOf(parts: {
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  email: string | null;
  userId: string;
}): string {
  const fullName = [parts.firstName, parts.lastName]
    .map(cleaned)
    .filter((part) => part !== null)
    .join(' ');
  return fullName || cleaned(parts.username) || cleaned(parts.email) || parts.userId;
}

/** A deliberately plain check (one @, a dot in the domain, no spaces): the address is Clerk's, this only catches garbage. */
export function isValidEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}

/** The profile of a consignor registered from this user, for the given client. */
export function initialProfile(
  user: ClerkUser,
  settings: ConsignorSettings,
  tenant: Pick<Tenant, 'defaultCommissionRateBasisPoints'>,
): InitialProfile {
  const rejections: RejectedChange[] = [];
  const email = acceptedEmail(user.primaryEmail, null, rejections);
  const commissionRateBasisPoints = acceptedRate(settings, tenant.defaultCommissionRateBasisPoints, rejections);
  return { profile: profileOf(user, email, commissionRateBasisPoints), rejections };
}

/**
 * What a newer version of the Clerk user changes on an existing consignor. Invalid values are
 * rejected field by field and the current value kept; metadata naming another client is rejected
 * because a consignor never changes client (its id, tag and earnings belong to the first one).
 */
export function reconcileProfile(
  current: ConsignorProfile & { tenantId: string },
  user: ClerkUser,
  settings: ConsignorSettings,
): ProfileReconciliation {
  const rejections: RejectedChange[] = [];
  if (settings.client.kind === 'named' && settings.client.clientId !== current.tenantId) {
    rejections.push({
      field: 'clientId',
      attemptedValue: settings.client.clientId,
      reason: `a consignor never changes client: it belongs to "${current.tenantId}"`,
    });
  }
  if (settings.client.kind === 'malformed') {
    rejections.push({ field: 'clientId', attemptedValue: settings.client.attemptedValue, reason: settings.client.reason });
  }
  const email = acceptedEmail(user.primaryEmail, current.email, rejections);
  const commissionRateBasisPoints = acceptedRate(settings, current.commissionRateBasisPoints, rejections);
  const profile = profileOf(user, email, commissionRateBasisPoints);
  return { profile, changes: changesBetween(current, profile), rejections };
}

/** The profile fields whose values differ, in profileFields order. */
export function changesBetween(before: ConsignorProfile, after: ConsignorProfile): FieldChange[] {
  return profileFields.filter((field) => before[field] !== after[field]).map((field) => ({ field, from: before[field], to: after[field] }));
}

/**
 * A missing primary email keeps the current one: Clerk sends user.updated payloads whose
 * email_addresses leave the primary address out, which is not the user removing it.
 */
function acceptedEmail(primaryEmail: string | null, current: string | null, rejections: RejectedChange[]): string | null {
  const email = cleaned(primaryEmail);
  if (email === null) return current;
  if (isValidEmail(email)) return email;
  rejections.push({ field: 'email', attemptedValue: primaryEmail, reason: 'not a valid email address' });
  return current;
}

/** Without a rate in the metadata the current (or, at registration, the client's default) rate stays. */
function acceptedRate(settings: ConsignorSettings, fallback: number, rejections: RejectedChange[]): number {
  const rate = settings.commissionRate;
  if (rate.kind === 'valid') return rate.basisPoints;
  if (rate.kind === 'invalid')
    rejections.push({ field: 'commissionRatePercent', attemptedValue: rate.attemptedValue, reason: rate.reason });
  return fallback;
}

function profileOf(user: ClerkUser, email: string | null, commissionRateBasisPoints: number): ConsignorProfile {
  const firstName = cleaned(user.firstName);
  const lastName = cleaned(user.lastName);
  return {
    displayName: displayNameOf({ firstName, lastName, username: user.username, email, userId: user.id }),
    email,
    firstName,
    lastName,
    commissionRateBasisPoints,
  };
}

function cleaned(value: string | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
