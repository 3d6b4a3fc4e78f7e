import {
  ClerkUser,
  ClerkUserCreated,
  ClerkUserDeleted,
  ClerkUserUpdated,
  deterministicEventId,
  EventMetadata,
  events,
} from '@consign/contracts';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { testEventMetadata } from '@consign/test-support';

/**
 * Clerk user events as the gateway maps the shared fixtures (clerk/user-created.json): the same
 * user id, names, email and timestamps. Event ids derive from `delivery`, as the gateway's do from svix-id.
 */
export const fixtureUser: ClerkUser = {
  id: 'user_29w83sxmDNGwOuEthce5gg56FcC',
  primaryEmail: 'example@example.org',
  firstName: 'Example',
  lastName: 'Example',
  username: null,
  externalId: '567772',
  imageUrl: 'https://img.clerk.com/xxxxxx',
  publicMetadataJson: '{}',
  unsafeMetadataJson: '{}',
  createdAt: 1654012591514,
  updatedAt: 1654012591835,
};

export const devStore: Tenant = {
  id: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  shopifyWebhookSecrets: ['test_secret_key'],
  clerkInstanceIds: ['ins_123'],
  clerkSigningSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
};

export const otherStore: Tenant = {
  ...devStore,
  id: 'other-store',
  shopDomain: 'other.myshopify.com',
  clerkInstanceIds: ['ins_other'],
  defaultCommissionRateBasisPoints: 2500,
  consignorTagPrefix: 'cs-',
};

export const tenants = new TenantDirectory([devStore, otherStore]);

function metadata(type: string, delivery: string, occurredAt: number, tenantId: string): EventMetadata {
  return testEventMetadata(type, {
    eventId: deterministicEventId('clerk', tenantId, type, delivery),
    occurredAt,
    receivedAt: occurredAt + 100,
    source: 'clerk',
    tenantId,
    svixMessageId: delivery,
    correlationId: `request-${delivery}`,
  });
}

export function userCreated(delivery: string, user: Partial<ClerkUser> = {}, tenantId = devStore.id): ClerkUserCreated {
  const value = { ...fixtureUser, ...user };
  return { metadata: metadata(events.clerkUserCreated.type, delivery, value.createdAt, tenantId), user: value, clerkEventAt: null };
}

export function userUpdated(delivery: string, user: Partial<ClerkUser> = {}, tenantId = devStore.id): ClerkUserUpdated {
  const value = { ...fixtureUser, ...user };
  return { metadata: metadata(events.clerkUserUpdated.type, delivery, value.updatedAt, tenantId), user: value, clerkEventAt: null };
}

export function userDeleted(
  delivery: string,
  userId = fixtureUser.id,
  occurredAt = fixtureUser.updatedAt + 60_000,
  tenantId = devStore.id,
): ClerkUserDeleted {
  return { metadata: metadata(events.clerkUserDeleted.type, delivery, occurredAt, tenantId), userId, deleted: true };
}
