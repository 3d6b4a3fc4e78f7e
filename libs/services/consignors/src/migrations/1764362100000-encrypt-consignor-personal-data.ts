import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { erasePersonalData, KeyEncryptionKeys, personalDataSealer, PersonalDataSealer } from '@consign/personal-data';
import { clerkUserSubject } from '../domain/consignor';
import { storedHistoryValue } from '../store/history-values';

/**
 * Seals the personal data already stored (names, email addresses, the Clerk user snapshots, the
 * personal part of the history, rejected values) under each person's data key and drops the
 * plaintext columns; erases the users Clerk deleted before this; and empties the payloads of
 * published outbox events, which carry names and addresses and which nothing reads once on Kafka.
 * Made with the KEKs, which a migration has no other way to receive.
 */
export function encryptConsignorPersonalData(keys: KeyEncryptionKeys): new () => MigrationInterface {
  return class EncryptConsignorPersonalData1764362100000 implements MigrationInterface {
    name = 'EncryptConsignorPersonalData1764362100000';

    async up(queryRunner: QueryRunner): Promise<void> {
      const { manager } = queryRunner;
      const sealerOf = sealers(manager, keys);
      await queryRunner.query(`
        ALTER TABLE consignors
          ADD COLUMN sealed_display_name bytea, ADD COLUMN sealed_email bytea, ADD COLUMN sealed_first_name bytea, ADD COLUMN sealed_last_name bytea`);
      const consignors: {
        consignor_id: string;
        clerk_user_id: string;
        display_name: string;
        email: string | null;
        first_name: string | null;
        last_name: string | null;
      }[] = await queryRunner.query('SELECT consignor_id, clerk_user_id, display_name, email, first_name, last_name FROM consignors');
      for (const row of consignors) {
        const sealer = await sealerOf(row.clerk_user_id);
        await queryRunner.query(
          'UPDATE consignors SET sealed_display_name = $2, sealed_email = $3, sealed_first_name = $4, sealed_last_name = $5 WHERE consignor_id = $1',
          [
            row.consignor_id,
            sealer.seal(row.display_name),
            sealer.seal(row.email),
            sealer.seal(row.first_name),
            sealer.seal(row.last_name),
          ],
        );
      }
      await queryRunner.query(
        'ALTER TABLE consignors DROP COLUMN display_name, DROP COLUMN email, DROP COLUMN first_name, DROP COLUMN last_name',
      );

      await queryRunner.query('ALTER TABLE clerk_users ADD COLUMN sealed_user_snapshot bytea');
      const users: { clerk_user_id: string; snapshot: string }[] = await queryRunner.query(
        'SELECT clerk_user_id, user_snapshot::text AS snapshot FROM clerk_users WHERE user_snapshot IS NOT NULL',
      );
      for (const row of users) {
        const sealer = await sealerOf(row.clerk_user_id);
        await queryRunner.query('UPDATE clerk_users SET sealed_user_snapshot = $2 WHERE clerk_user_id = $1', [
          row.clerk_user_id,
          sealer.seal(row.snapshot),
        ]);
      }
      await queryRunner.query('ALTER TABLE clerk_users DROP COLUMN user_snapshot');

      // The append-only triggers guard against the application; this one rewrite of the past is the migration's.
      await queryRunner.query('ALTER TABLE consignor_history ADD COLUMN sealed_from_value bytea, ADD COLUMN sealed_to_value bytea');
      await queryRunner.query('ALTER TABLE consignor_history DISABLE TRIGGER consignor_history_append_only');
      const history: { entry_id: string; clerk_user_id: string; field: string | null; from_value: unknown; to_value: unknown }[] =
        await queryRunner.query(
          'SELECT h.entry_id, c.clerk_user_id, h.field, h.from_value, h.to_value FROM consignor_history h JOIN consignors c USING (consignor_id)',
        );
      for (const row of history) {
        const sealer = await sealerOf(row.clerk_user_id);
        const from = storedHistoryValue(row.field, row.from_value, sealer);
        const to = storedHistoryValue(row.field, row.to_value, sealer);
        if (from.sealed === null && to.sealed === null) continue;
        await queryRunner.query(
          'UPDATE consignor_history SET from_value = $2::jsonb, to_value = $3::jsonb, sealed_from_value = $4, sealed_to_value = $5 WHERE entry_id = $1',
          [row.entry_id, JSON.stringify(from.open), JSON.stringify(to.open), from.sealed, to.sealed],
        );
      }
      await queryRunner.query('ALTER TABLE consignor_history ENABLE TRIGGER consignor_history_append_only');

      await queryRunner.query('ALTER TABLE rejected_consignor_changes ADD COLUMN sealed_attempted_value bytea');
      await queryRunner.query('ALTER TABLE rejected_consignor_changes DISABLE TRIGGER rejected_consignor_changes_append_only');
      const rejected: { event_id: string; field: string; clerk_user_id: string; attempted_value: string | null }[] =
        await queryRunner.query(
          'SELECT r.event_id, r.field, c.clerk_user_id, r.attempted_value FROM rejected_consignor_changes r JOIN consignors c USING (consignor_id) WHERE r.attempted_value IS NOT NULL',
        );
      for (const row of rejected) {
        const sealer = await sealerOf(row.clerk_user_id);
        await queryRunner.query('UPDATE rejected_consignor_changes SET sealed_attempted_value = $3 WHERE event_id = $1 AND field = $2', [
          row.event_id,
          row.field,
          sealer.seal(row.attempted_value),
        ]);
      }
      await queryRunner.query('ALTER TABLE rejected_consignor_changes ENABLE TRIGGER rejected_consignor_changes_append_only');
      await queryRunner.query('ALTER TABLE rejected_consignor_changes DROP COLUMN attempted_value');

      const deleted: { clerk_user_id: string }[] = await queryRunner.query("SELECT clerk_user_id FROM clerk_users WHERE state = 'deleted'");
      for (const row of deleted) await erasePersonalData(manager, clerkUserSubject(row.clerk_user_id));
      await queryRunner.query("UPDATE outbox_events SET payload = ''::bytea WHERE published_at IS NOT NULL");
    }

    async down(): Promise<void> {
      throw new Error(
        'EncryptConsignorPersonalData1764362100000 is not reverted: it would write personal data back in the clear, and erased data cannot come back. Restore a backup taken before it instead.',
      );
    }
  };
}

/** One sealer per person for the whole migration: each data key is looked up (or made) once. */
function sealers(manager: EntityManager, keys: KeyEncryptionKeys): (clerkUserId: string) => Promise<PersonalDataSealer> {
  const made = new Map<string, PersonalDataSealer>();
  return async (clerkUserId) => {
    const known = made.get(clerkUserId);
    if (known) return known;
    const sealer = await personalDataSealer(manager, keys, clerkUserSubject(clerkUserId));
    made.set(clerkUserId, sealer);
    return sealer;
  };
}
