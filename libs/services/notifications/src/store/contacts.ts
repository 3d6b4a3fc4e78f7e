import type { EntityManager } from 'typeorm';
import type { ConsignorDeactivated, ConsignorRegistered, ConsignorUpdated, EventMetadata } from '@consign/contracts';
import { erasePersonalData, type KeyEncryptionKeys, openPersonalData, personalDataSealer } from '@consign/personal-data';
import { consignorSubject, type Contact } from '../domain/contact';

interface ContactRow {
  consignor_id: string;
  tenant_id: string;
  sealed_display_name: Buffer | null;
  sealed_email: Buffer | null;
  details_occurred_at: Date | null;
  deactivated_at: Date | null;
  deactivation_reason: string | null;
}

/**
 * Keeps the details of the newest event by occurredAt (event id breaks ties), so the projection is
 * the same whatever order the events arrive in, and a repeat changes nothing. The name and address
 * are sealed under the consignor's data key; once it is erased, none is stored again.
 */
async function recordDetails(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  metadata: EventMetadata,
  consignor: ConsignorRegistered['consignor'],
): Promise<void> {
  const sealer = await personalDataSealer(manager, keys, consignorSubject(consignor.id));
  await manager.query(
    `INSERT INTO notification_contacts (consignor_id, tenant_id, sealed_display_name, sealed_email, details_occurred_at, details_event_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (consignor_id) DO UPDATE SET
       sealed_display_name = EXCLUDED.sealed_display_name,
       sealed_email = EXCLUDED.sealed_email,
       details_occurred_at = EXCLUDED.details_occurred_at,
       details_event_id = EXCLUDED.details_event_id,
       updated_at = now()
     WHERE notification_contacts.details_occurred_at IS NULL
        OR (notification_contacts.details_occurred_at, notification_contacts.details_event_id)
           < (EXCLUDED.details_occurred_at, EXCLUDED.details_event_id)`,
    [
      consignor.id,
      metadata.tenantId,
      sealer.seal(consignor.displayName),
      sealer.seal(consignor.email),
      new Date(metadata.occurredAt),
      metadata.eventId,
    ],
  );
}

export async function recordConsignorRegistered(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  event: ConsignorRegistered,
): Promise<void> {
  await recordDetails(manager, keys, event.metadata, event.consignor);
}

export async function recordConsignorUpdated(manager: EntityManager, keys: KeyEncryptionKeys, event: ConsignorUpdated): Promise<void> {
  await recordDetails(manager, keys, event.metadata, event.consignor);
}

/**
 * Deactivation is final (no event reactivates a consignor); of several, the earliest is kept. A
 * deactivation may arrive before any details: the row then holds no recipient yet.
 *
 * It also erases the consignor's personal data, in the contact and in the notification log:
 * consignor-service deactivates a consignor when Clerk deletes the person, and this service never
 * mails a deactivated consignor again, so it has no use left for it. On consignors.v1 the
 * deactivation follows the consignor's details on the same partition: no detail comes after it.
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
  await erasePersonalData(manager, consignorSubject(event.consignorId));
}

export async function findContact(manager: EntityManager, keys: KeyEncryptionKeys, consignorId: string): Promise<Contact | undefined> {
  return (await findContacts(manager, keys, [consignorId])).get(consignorId);
}

/** The contacts of several consignors, by consignor id, in two statements whatever their number; the unknown are missing. */
export async function findContacts(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  consignorIds: Iterable<string>,
): Promise<Map<string, Contact>> {
  const ids = [...new Set(consignorIds)];
  const contacts = new Map<string, Contact>();
  if (ids.length === 0) return contacts;
  const rows: ContactRow[] = await manager.query(
    `SELECT consignor_id, tenant_id, sealed_display_name, sealed_email, details_occurred_at, deactivated_at, deactivation_reason
     FROM notification_contacts WHERE consignor_id = ANY($1::text[])`,
    [ids],
  );
  if (rows.length === 0) return contacts;
  const opened = await openPersonalData(
    manager,
    keys,
    rows.map((row) => consignorSubject(row.consignor_id)),
  );
  for (const row of rows) {
    contacts.set(row.consignor_id, {
      consignorId: row.consignor_id,
      tenantId: row.tenant_id,
      displayName: opened.text(row.sealed_display_name),
      email: opened.text(row.sealed_email),
      erased: opened.erased(consignorSubject(row.consignor_id)),
      active: row.deactivated_at === null,
      deactivationReason: row.deactivation_reason,
      detailsOccurredAt: row.details_occurred_at,
      deactivatedAt: row.deactivated_at,
    });
  }
  return contacts;
}
