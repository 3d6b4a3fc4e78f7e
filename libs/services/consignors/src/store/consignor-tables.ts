// Plain SQL throughout the lib: upserts, row locks and append-only tables read best as SQL.
import { EntityManager } from 'typeorm';
import { deterministicEventId } from '@consign/contracts';
import { KeyEncryptionKeys, openPersonalData, PersonalDataSealer } from '@consign/personal-data';
import { clerkUserSubject, ConsignorProfile, ConsignorRecord, ConsignorStatus } from '../domain/consignor';
import { RejectedChange } from '../domain/profile';
import { storedHistoryValue } from './history-values';

export type ClerkUserState = 'held' | 'registered' | 'deleted';

/** What the service knows of one Clerk user. */
export interface KnownClerkUser {
  clerkUserId: string;
  state: ClerkUserState;
  consignorId: string | null;
  /** ClerkUser.updatedAt of the last version applied; null when only a deletion was seen. */
  clerkUpdatedAt: number | null;
}

/** Where an event stands, for the rows it writes. */
export interface EventFacts {
  eventId: string;
  eventType: string;
  tenantId: string;
  occurredAt: Date;
}

export interface ClerkUserUpsert {
  clerkUserId: string;
  state: ClerkUserState;
  consignorId: string | null;
  eventTenantId: string;
  holdReason: string | null;
  /** The Clerk user as last applied, sealed (JSON); null keeps the one recorded. */
  sealedUser: Buffer | null;
  /** ClerkUser.updatedAt of that version; null keeps the one recorded. */
  clerkUpdatedAt: number | null;
}

export type ClerkUserEventOutcome = 'registered' | 'updated' | 'unchanged' | 'held' | 'deactivated' | 'discarded' | 'ignored';

export interface ClerkUserEventRecord {
  clerkUserId: string;
  outcome: ClerkUserEventOutcome;
  /** Why it was held or ignored. */
  reason?: string;
  clerkUpdatedAt: number | null;
}

export interface HistoryEntry {
  change: 'registered' | 'updated' | 'deactivated';
  field: string | null;
  from: unknown;
  to: unknown;
}

interface ClerkUserRow {
  clerk_user_id: string;
  state: ClerkUserState;
  consignor_id: string | null;
  clerk_updated_at: string | null;
}

interface ConsignorRow {
  consignor_id: string;
  tenant_id: string;
  clerk_user_id: string;
  status: ConsignorStatus;
  sealed_display_name: Buffer | null;
  sealed_email: Buffer | null;
  sealed_first_name: Buffer | null;
  sealed_last_name: Buffer | null;
  commission_rate_basis_points: number;
  shopify_tag: string;
}

/** Locks the user's row: events of one user are applied one after the other. */
export async function findClerkUser(manager: EntityManager, clerkUserId: string): Promise<KnownClerkUser | undefined> {
  const rows: ClerkUserRow[] = await manager.query(
    'SELECT clerk_user_id, state, consignor_id, clerk_updated_at FROM clerk_users WHERE clerk_user_id = $1 FOR UPDATE',
    [clerkUserId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    clerkUserId: row.clerk_user_id,
    state: row.state,
    consignorId: row.consignor_id,
    clerkUpdatedAt: row.clerk_updated_at === null ? null : Number(row.clerk_updated_at),
  };
}

/** state_since moves only when the state does; a deletion keeps the last applied user version. */
export async function saveClerkUser(manager: EntityManager, upsert: ClerkUserUpsert, event: EventFacts): Promise<void> {
  await manager.query(
    `INSERT INTO clerk_users (clerk_user_id, state, consignor_id, event_tenant_id, hold_reason, sealed_user_snapshot, clerk_updated_at, last_event_id, state_since)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (clerk_user_id) DO UPDATE SET
       state = EXCLUDED.state,
       consignor_id = EXCLUDED.consignor_id,
       event_tenant_id = EXCLUDED.event_tenant_id,
       hold_reason = EXCLUDED.hold_reason,
       sealed_user_snapshot = COALESCE(EXCLUDED.sealed_user_snapshot, clerk_users.sealed_user_snapshot),
       clerk_updated_at = COALESCE(EXCLUDED.clerk_updated_at, clerk_users.clerk_updated_at),
       last_event_id = EXCLUDED.last_event_id,
       state_since = CASE WHEN clerk_users.state = EXCLUDED.state THEN clerk_users.state_since ELSE EXCLUDED.state_since END`,
    [
      upsert.clerkUserId,
      upsert.state,
      upsert.consignorId,
      upsert.eventTenantId,
      upsert.holdReason,
      upsert.sealedUser,
      upsert.clerkUpdatedAt,
      event.eventId,
      event.occurredAt,
    ],
  );
}

export async function findConsignor(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  consignorId: string,
): Promise<ConsignorRecord | undefined> {
  const rows: ConsignorRow[] = await manager.query(
    `SELECT consignor_id, tenant_id, clerk_user_id, status, sealed_display_name, sealed_email, sealed_first_name, sealed_last_name,
            commission_rate_basis_points, shopify_tag
     FROM consignors WHERE consignor_id = $1`,
    [consignorId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const opened = await openPersonalData(manager, keys, [clerkUserSubject(row.clerk_user_id)]);
  return {
    consignorId: row.consignor_id,
    tenantId: row.tenant_id,
    clerkUserId: row.clerk_user_id,
    status: row.status,
    // An erased person's display name falls back as displayNameOf's does when nothing else is known.
    displayName: opened.text(row.sealed_display_name) ?? row.clerk_user_id,
    email: opened.text(row.sealed_email),
    firstName: opened.text(row.sealed_first_name),
    lastName: opened.text(row.sealed_last_name),
    commissionRateBasisPoints: row.commission_rate_basis_points,
    shopifyTag: row.shopify_tag,
  };
}

export async function insertConsignor(
  manager: EntityManager,
  sealer: PersonalDataSealer,
  record: ConsignorRecord,
  event: EventFacts,
): Promise<void> {
  await manager.query(
    `INSERT INTO consignors (consignor_id, tenant_id, clerk_user_id, status, sealed_display_name, sealed_email, sealed_first_name, sealed_last_name,
                             commission_rate_basis_points, shopify_tag, registered_by_event_id, registered_at, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
    [
      record.consignorId,
      record.tenantId,
      record.clerkUserId,
      record.status,
      sealer.seal(record.displayName),
      sealer.seal(record.email),
      sealer.seal(record.firstName),
      sealer.seal(record.lastName),
      record.commissionRateBasisPoints,
      record.shopifyTag,
      event.eventId,
      event.occurredAt,
    ],
  );
}

export async function updateConsignorProfile(
  manager: EntityManager,
  sealer: PersonalDataSealer,
  consignorId: string,
  profile: ConsignorProfile,
  event: EventFacts,
): Promise<void> {
  await manager.query(
    `UPDATE consignors SET sealed_display_name = $2, sealed_email = $3, sealed_first_name = $4, sealed_last_name = $5, commission_rate_basis_points = $6, changed_at = $7
     WHERE consignor_id = $1`,
    [
      consignorId,
      sealer.seal(profile.displayName),
      sealer.seal(profile.email),
      sealer.seal(profile.firstName),
      sealer.seal(profile.lastName),
      profile.commissionRateBasisPoints,
      event.occurredAt,
    ],
  );
}

export async function updateConsignorStatus(
  manager: EntityManager,
  consignorId: string,
  status: ConsignorStatus,
  event: EventFacts,
): Promise<void> {
  await manager.query('UPDATE consignors SET status = $2, changed_at = $3 WHERE consignor_id = $1', [
    consignorId,
    status,
    event.occurredAt,
  ]);
}

/** History ids derive from the event, so a replay writes the same rows. */
export async function appendHistory(
  manager: EntityManager,
  sealer: PersonalDataSealer,
  consignorId: string,
  entries: readonly HistoryEntry[],
  event: EventFacts,
): Promise<void> {
  for (const [position, entry] of entries.entries()) {
    const from = storedHistoryValue(entry.field, entry.from, sealer);
    const to = storedHistoryValue(entry.field, entry.to, sealer);
    await manager.query(
      `INSERT INTO consignor_history (entry_id, consignor_id, event_id, event_type, change, field, from_value, to_value, sealed_from_value, sealed_to_value, position, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12)`,
      [
        deterministicEventId('consignor-history', event.eventId, consignorId, String(position)),
        consignorId,
        event.eventId,
        event.eventType,
        entry.change,
        entry.field,
        JSON.stringify(from.open),
        JSON.stringify(to.open),
        from.sealed,
        to.sealed,
        position,
        event.occurredAt,
      ],
    );
  }
}

/** Every attempted value is sealed, not only an address: one rule, so nothing personal slips through under another field. */
export async function recordRejectedChanges(
  manager: EntityManager,
  sealer: PersonalDataSealer,
  consignorId: string,
  rejections: readonly RejectedChange[],
  event: EventFacts,
): Promise<void> {
  for (const rejection of rejections) {
    await manager.query(
      `INSERT INTO rejected_consignor_changes (event_id, field, consignor_id, sealed_attempted_value, reason, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.eventId, rejection.field, consignorId, sealer.seal(rejection.attemptedValue), rejection.reason, event.occurredAt],
    );
  }
}

/** Whether this event was applied already (whatever it did). */
export async function wasApplied(manager: EntityManager, eventId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM clerk_user_events WHERE event_id = $1', [eventId]);
  return rows.length > 0;
}

export async function recordClerkUserEvent(manager: EntityManager, record: ClerkUserEventRecord, event: EventFacts): Promise<void> {
  await manager.query(
    `INSERT INTO clerk_user_events (event_id, event_type, clerk_user_id, tenant_id, outcome, reason, clerk_updated_at, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      event.eventId,
      event.eventType,
      record.clerkUserId,
      event.tenantId,
      record.outcome,
      record.reason ?? null,
      record.clerkUpdatedAt,
      event.occurredAt,
    ],
  );
}
