import type { EntityManager } from 'typeorm';
import type { ConsignorDeactivated, ConsignorRegistered, ConsignorUpdated, EventMetadata } from '@consign/contracts';
import type { Contact } from '../domain/contact';

interface ContactRow {
  consignor_id: string;
  tenant_id: string;
  display_name: string | null;
  email: string | null;
  details_occurred_at: Date | null;
  deactivated_at: Date | null;
  deactivation_reason: string | null;
}

function contactFrom(row: ContactRow): Contact {
  return {
    consignorId: row.consignor_id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    email: row.email,
    active: row.deactivated_at === null,
    deactivationReason: row.deactivation_reason,
    detailsOccurredAt: row.details_occurred_at,
    deactivatedAt: row.deactivated_at,
  };
}

/**
 * Keeps the details of the newest event by occurredAt (event id breaks ties), so the projection is
 * the same whatever order the events arrive in, and a repeat changes nothing.
 */
async function recordDetails(manager: EntityManager, metadata: EventMetadata, consignor: ConsignorRegistered['consignor']): Promise<void> {
  await manager.query(
    `INSERT INTO notification_contacts (consignor_id, tenant_id, display_name, email, details_occurred_at, details_event_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (consignor_id) DO UPDATE SET
       display_name = EXCLUDED.display_name,
       email = EXCLUDED.email,
       details_occurred_at = EXCLUDED.details_occurred_at,
       details_event_id = EXCLUDED.details_event_id,
       updated_at = now()
     WHERE notification_contacts.details_occurred_at IS NULL
        OR (notification_contacts.details_occurred_at, notification_contacts.details_event_id)
           < (EXCLUDED.details_occurred_at, EXCLUDED.details_event_id)`,
    [consignor.id, metadata.tenantId, consignor.displayName, consignor.email, new Date(metadata.occurredAt), metadata.eventId],
  );
}

export async function recordConsignorRegistered(manager: EntityManager, event: ConsignorRegistered): Promise<void> {
  await recordDetails(manager, event.metadata, event.consignor);
}

export async function recordConsignorUpdated(manager: EntityManager, event: ConsignorUpdated): Promise<void> {
  await recordDetails(manager, event.metadata, event.consignor);
}

/**
 * Deactivation is final (no event reactivates a consignor); of several, the earliest is kept. A
 * deactivation may arrive before any details: the row then holds no recipient yet.
 */
export async function recordConsignorDeactivated(manager: EntityManager, event: ConsignorDeactivated): Promise<void> {
  await manager.query(
    `INSERT INTO notification_contacts (consignor_id, tenant_id, deactivated_at, deactivation_event_id, deactivation_reason)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (consignor_id) DO UPDATE SET
       deactivated_at = EXCLUDED.deactivated_at,
       deactivation_event_id = EXCLUDED.deactivation_event_id,
       deactivation_reason = EXCLUDED.deactivation_reason,
       updated_at = now()
     WHERE notification_contacts.deactivated_at IS NULL
        OR (notification_contacts.deactivated_at, notification_contacts.deactivation_event_id)
           > (EXCLUDED.deactivated_at, EXCLUDED.deactivation_event_id)`,
    [event.consignorId, event.metadata.tenantId, new Date(event.metadata.occurredAt), event.metadata.eventId, event.reason],
  );
}

export async function findContact(manager: EntityManager, consignorId: string): Promise<Contact | undefined> {
  const rows: ContactRow[] = await manager.query(
    `SELECT consignor_id, tenant_id, display_name, email, details_occurred_at, deactivated_at, deactivation_reason
     FROM notification_contacts WHERE consignor_id = $1`,
    [consignorId],
  );
  return rows[0] ? contactFrom(rows[0]) : undefined;
}
