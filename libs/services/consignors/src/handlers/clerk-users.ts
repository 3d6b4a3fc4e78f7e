import { EntityManager } from 'typeorm';
import {
  ClerkUserCreated,
  ClerkUserDeleted,
  ClerkUserUpdated,
  derivedMetadata,
  EventMetadata,
  events,
  PlatformEvent,
} from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { erasePersonalData, KeyEncryptionKeys, personalDataSealer, PersonalDataSealer } from '@consign/personal-data';
import { TenantDirectory } from '@consign/tenants';
import { determineClient } from '../domain/client-determination';
import { clerkUserSubject, consignorContract, consignorIdFor, ConsignorRecord, shopifyTagFor } from '../domain/consignor';
import { consignorSettingsFrom } from '../domain/consignor-settings';
import { initialProfile, reconcileProfile } from '../domain/profile';
import {
  appendHistory,
  EventFacts,
  findClerkUser,
  findConsignor,
  insertConsignor,
  recordClerkUserEvent,
  recordRejectedChanges,
  saveClerkUser,
  updateConsignorProfile,
  updateConsignorStatus,
  wasApplied,
} from '../store/consignor-tables';

/** The events of clerk.users.v1 that carry the user as it is now. */
export type ClerkUserChange = ClerkUserCreated | ClerkUserUpdated;

/** Every event of clerk.users.v1. */
export type ClerkUserEvent = ClerkUserChange | ClerkUserDeleted;

const source = 'consignor-service';

/**
 * user.created and user.updated alike: both carry the whole user, and events arrive redelivered,
 * replayed and out of order, so an update may be the first the service hears of a user and a
 * created event may come after updates. What counts is ClerkUser.updatedAt: a version older than
 * the one applied is ignored (and recorded as such).
 */
export async function registerOrUpdateConsignor(
  manager: EntityManager,
  event: ClerkUserChange,
  tenants: TenantDirectory,
  keys: KeyEncryptionKeys,
): Promise<PlatformEvent[]> {
  const { user } = event;
  requireUserId(user.id);
  const facts = factsOf(event.metadata);
  const known = await findClerkUser(manager, user.id);
  if (await wasApplied(manager, facts.eventId)) return [];
  const ignore = async (reason: string): Promise<PlatformEvent[]> => {
    await recordClerkUserEvent(manager, { clerkUserId: user.id, outcome: 'ignored', reason, clerkUpdatedAt: user.updatedAt }, facts);
    return [];
  };
  if (known?.state === 'deleted') return ignore('the Clerk user was deleted');
  if (known?.clerkUpdatedAt != null && user.updatedAt < known.clerkUpdatedAt) {
    return ignore(`stale: older than the version already applied (updatedAt ${known.clerkUpdatedAt})`);
  }
  const sealer = await personalDataSealer(manager, keys, clerkUserSubject(user.id));
  if (known?.state === 'registered' && known.consignorId !== null)
    return updateConsignor(manager, keys, sealer, event, known.consignorId, facts);
  return registerOrHold(manager, sealer, event, tenants, facts);
}

/**
 * user.deleted: the consignor is deactivated, never removed (what it is owed is still paid and
 * its history stays), and the person's personal data is erased: their data key is destroyed, so
 * every name, address and snapshot sealed under it is unreadable for good. A deletion of a user
 * never seen is recorded and remembered, so a created event arriving after it does not register a
 * deleted user.
 */
export async function deactivateConsignor(
  manager: EntityManager,
  event: ClerkUserDeleted,
  keys: KeyEncryptionKeys,
): Promise<PlatformEvent[]> {
  const { userId } = event;
  requireUserId(userId);
  const facts = factsOf(event.metadata);
  const known = await findClerkUser(manager, userId);
  if (await wasApplied(manager, facts.eventId)) return [];
  const record = (outcome: 'deactivated' | 'discarded' | 'ignored', reason?: string) =>
    recordClerkUserEvent(manager, { clerkUserId: userId, outcome, reason, clerkUpdatedAt: null }, facts);
  if (!event.deleted) {
    await record('ignored', 'user.deleted with deleted = false');
    return [];
  }
  if (known?.state === 'deleted') {
    await record('ignored', 'the Clerk user was deleted already');
    return [];
  }
  await saveClerkUser(
    manager,
    {
      clerkUserId: userId,
      state: 'deleted',
      consignorId: known?.consignorId ?? null,
      eventTenantId: facts.tenantId,
      holdReason: null,
      sealedUser: null,
      clerkUpdatedAt: null,
    },
    facts,
  );
  const published = known?.consignorId ? await deactivateRegistered(manager, keys, event, known.consignorId, facts) : [];
  if (!known) await record('ignored', 'deletion of a user never registered nor held');
  else if (known.consignorId === null) await record('discarded', 'a held user was deleted');
  else await record('deactivated');
  // Last, so that nothing is sealed for the person after their key is gone; the tombstone it leaves
  // also covers a user never seen, whose data a late event must not bring in.
  await erasePersonalData(manager, clerkUserSubject(userId));
  return published;
}

async function deactivateRegistered(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  event: ClerkUserDeleted,
  consignorId: string,
  facts: EventFacts,
): Promise<PlatformEvent[]> {
  const consignor = await existingConsignor(manager, keys, consignorId, event.userId);
  await updateConsignorStatus(manager, consignorId, 'deactivated', facts);
  const sealer = await personalDataSealer(manager, keys, clerkUserSubject(event.userId));
  await appendHistory(
    manager,
    sealer,
    consignorId,
    [{ change: 'deactivated', field: 'status', from: consignor.status, to: 'deactivated' }],
    facts,
  );
  const definition = events.consignorDeactivated;
  return [
    {
      definition,
      value: {
        metadata: consignorEventMetadata(definition, event.metadata, consignor.tenantId),
        consignorId,
        reason: 'Clerk user deleted',
      },
    },
  ];
}

async function registerOrHold(
  manager: EntityManager,
  sealer: PersonalDataSealer,
  event: ClerkUserChange,
  tenants: TenantDirectory,
  facts: EventFacts,
): Promise<PlatformEvent[]> {
  const { user } = event;
  const settings = consignorSettingsFrom(user.publicMetadataJson);
  const client = determineClient(settings.client, facts.tenantId, tenants);
  const sealedUser = sealer.seal(JSON.stringify(user));
  if (!client.determined) {
    await saveClerkUser(
      manager,
      {
        clerkUserId: user.id,
        state: 'held',
        consignorId: null,
        eventTenantId: facts.tenantId,
        holdReason: client.reason,
        sealedUser,
        clerkUpdatedAt: user.updatedAt,
      },
      facts,
    );
    await recordClerkUserEvent(
      manager,
      { clerkUserId: user.id, outcome: 'held', reason: client.reason, clerkUpdatedAt: user.updatedAt },
      facts,
    );
    return [];
  }
  const consignorId = consignorIdFor(client.tenant.id, user.id);
  const { profile, rejections } = initialProfile(user, settings, client.tenant);
  const record: ConsignorRecord = {
    ...profile,
    consignorId,
    tenantId: client.tenant.id,
    clerkUserId: user.id,
    status: 'active',
    shopifyTag: shopifyTagFor(client.tenant, consignorId),
  };
  await insertConsignor(manager, sealer, record, facts);
  await saveClerkUser(
    manager,
    {
      clerkUserId: user.id,
      state: 'registered',
      consignorId,
      eventTenantId: facts.tenantId,
      holdReason: null,
      sealedUser,
      clerkUpdatedAt: user.updatedAt,
    },
    facts,
  );
  await appendHistory(
    manager,
    sealer,
    consignorId,
    [
      {
        change: 'registered',
        field: null,
        from: null,
        to: { ...consignorContract(record), tenantId: record.tenantId, status: record.status },
      },
    ],
    facts,
  );
  await recordRejectedChanges(manager, sealer, consignorId, rejections, facts);
  await recordClerkUserEvent(manager, { clerkUserId: user.id, outcome: 'registered', clerkUpdatedAt: user.updatedAt }, facts);
  const definition = events.consignorRegistered;
  return [
    {
      definition,
      value: { metadata: consignorEventMetadata(definition, event.metadata, record.tenantId), consignor: consignorContract(record) },
    },
  ];
}

async function updateConsignor(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  sealer: PersonalDataSealer,
  event: ClerkUserChange,
  consignorId: string,
  facts: EventFacts,
): Promise<PlatformEvent[]> {
  const { user } = event;
  const current = await existingConsignor(manager, keys, consignorId, user.id);
  const { profile, changes, rejections } = reconcileProfile(current, user, consignorSettingsFrom(user.publicMetadataJson));
  await saveClerkUser(
    manager,
    {
      clerkUserId: user.id,
      state: 'registered',
      consignorId,
      eventTenantId: facts.tenantId,
      holdReason: null,
      sealedUser: sealer.seal(JSON.stringify(user)),
      clerkUpdatedAt: user.updatedAt,
    },
    facts,
  );
  await recordRejectedChanges(manager, sealer, consignorId, rejections, facts);
  await recordClerkUserEvent(
    manager,
    { clerkUserId: user.id, outcome: changes.length ? 'updated' : 'unchanged', clerkUpdatedAt: user.updatedAt },
    facts,
  );
  if (changes.length === 0) return [];
  await updateConsignorProfile(manager, sealer, consignorId, profile, facts);
  await appendHistory(
    manager,
    sealer,
    consignorId,
    changes.map((change) => ({ change: 'updated', ...change })),
    facts,
  );
  const definition = events.consignorUpdated;
  return [
    {
      definition,
      value: {
        metadata: consignorEventMetadata(definition, event.metadata, current.tenantId),
        consignor: consignorContract({ ...current, ...profile }),
        changedFields: changes.map((change) => change.field),
      },
    },
  ];
}

async function existingConsignor(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  consignorId: string,
  clerkUserId: string,
): Promise<ConsignorRecord> {
  const consignor = await findConsignor(manager, keys, consignorId);
  // The foreign key makes this unreachable; transient lets the consumer retry rather than dead-letter the event.
  if (!consignor) {
    throw new PlatformError(`clerk user ${clerkUserId} points at consignor ${consignorId}, which does not exist`, {
      code: 'consignor.record_missing',
      category: 'transient',
    });
  }
  return consignor;
}

/** The consignor's client, not the event's tenant: public metadata may place the consignor with another client. */
function consignorEventMetadata(
  definition: { type: string; schemaVersion: number },
  cause: EventMetadata,
  tenantId: string,
): EventMetadata {
  return { ...derivedMetadata(definition, cause, { source }), tenantId };
}

function factsOf(metadata: EventMetadata): EventFacts {
  return {
    eventId: metadata.eventId,
    eventType: metadata.eventType,
    tenantId: metadata.tenantId,
    occurredAt: new Date(metadata.occurredAt),
  };
}

function requireUserId(userId: string): void {
  if (userId.trim() === '') {
    throw new PlatformError('clerk user event without a user id', { code: 'consignor.clerk_user_id_missing', category: 'invalid' });
  }
}
