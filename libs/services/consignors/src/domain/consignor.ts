import { Consignor, deterministicEventId } from '@consign/contracts';
import { Tenant } from '@consign/tenants';

export type ConsignorStatus = 'active' | 'deactivated';

export const consignorStatuses: readonly ConsignorStatus[] = ['active', 'deactivated'];

/**
 * The consignor fields that follow its Clerk user. Named as in the Consignor contract, so a change
 * of one is reported under the same name in ConsignorUpdated.changedFields.
 */
export interface ConsignorProfile {
  displayName: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  commissionRateBasisPoints: number;
}

/** In the order changes are reported and recorded. */
export const profileFields = ['displayName', 'email', 'firstName', 'lastName', 'commissionRateBasisPoints'] as const;

export type ProfileField = (typeof profileFields)[number];

/** The profile fields that are personal data: stored sealed under the person's data key. */
export const personalProfileFields = ['displayName', 'email', 'firstName', 'lastName'] as const;

export type PersonalProfileField = (typeof personalProfileFields)[number];

export function isPersonalProfileField(field: string | null): field is PersonalProfileField {
  return (personalProfileFields as readonly (string | null)[]).includes(field);
}

// Whose personal data a consignor's rows hold: the Clerk user's, also before a client is determined (a held user).
export { clerkUserSubject } from '@consign/personal-data';

export interface ConsignorRecord extends ConsignorProfile {
  consignorId: string;
  tenantId: string;
  clerkUserId: string;
  status: ConsignorStatus;
  shopifyTag: string;
}

/**
 * Derived, not random: replaying clerk.users.v1 into a fresh database gives every consignor the
 * id it had, so the Shopify tags and earnings that carry it stay valid.
 */
export function consignorIdFor(tenantId: string, clerkUserId: string): string {
  return deterministicEventId('consignor', tenantId, clerkUserId);
}

/** The product tag the store owner puts on this consignor's items. */
export function shopifyTagFor(tenant: Pick<Tenant, 'consignorTagPrefix'>, consignorId: string): string {
  return `${tenant.consignorTagPrefix}${consignorId}`;
}

export function consignorContract(record: ConsignorRecord): Consignor {
  return {
    id: record.consignorId,
    clerkUserId: record.clerkUserId,
    displayName: record.displayName,
    email: record.email,
    firstName: record.firstName,
    lastName: record.lastName,
    commissionRateBasisPoints: record.commissionRateBasisPoints,
    shopifyTag: record.shopifyTag,
  };
}
