import { MigrationInterface, QueryRunner } from 'typeorm';
import { erasePersonalData, KeyEncryptionKeys, personalDataSealer, PersonalDataSealer } from '@consign/personal-data';
import { consignorSubject } from '../domain/contact';

/**
 * Seals the personal data already stored (contacts' names and addresses, the log's recipients and
 * SMTP errors) under each consignor's data key and drops the plaintext columns; erases the
 * consignors deactivated before this; takes the address out of the skip reasons that repeated it;
 * and empties the payloads of published outbox events (a NotificationFailed's error may quote an
 * address), which nothing reads once on Kafka. Made with the KEKs, which a migration has no other
 * way to receive.
 */
export function encryptNotificationPersonalData(keys: KeyEncryptionKeys): new () => MigrationInterface {
  return class EncryptNotificationPersonalData1764362200000 implements MigrationInterface {
    name = 'EncryptNotificationPersonalData1764362200000';

    async up(queryRunner: QueryRunner): Promise<void> {
      const made = new Map<string, PersonalDataSealer>();
      const sealerOf = async (consignorId: string): Promise<PersonalDataSealer> => {
        const sealer = made.get(consignorId) ?? (await personalDataSealer(queryRunner.manager, keys, consignorSubject(consignorId)));
        made.set(consignorId, sealer);
        return sealer;
      };

      await queryRunner.query('ALTER TABLE notification_contacts ADD COLUMN sealed_display_name bytea, ADD COLUMN sealed_email bytea');
      const contacts: { consignor_id: string; display_name: string | null; email: string | null }[] = await queryRunner.query(
        'SELECT consignor_id, display_name, email FROM notification_contacts WHERE display_name IS NOT NULL OR email IS NOT NULL',
      );
      for (const row of contacts) {
        const sealer = await sealerOf(row.consignor_id);
        await queryRunner.query('UPDATE notification_contacts SET sealed_display_name = $2, sealed_email = $3 WHERE consignor_id = $1', [
          row.consignor_id,
          sealer.seal(row.display_name),
          sealer.seal(row.email),
        ]);
      }
      await queryRunner.query('ALTER TABLE notification_contacts DROP COLUMN display_name, DROP COLUMN email');

      await queryRunner.query('ALTER TABLE notification_log ADD COLUMN sealed_recipient bytea, ADD COLUMN sealed_last_error bytea');
      const log: { event_id: string; template: string; consignor_id: string; recipient: string | null; last_error: string | null }[] =
        await queryRunner.query(
          'SELECT event_id, template, consignor_id, recipient, last_error FROM notification_log WHERE recipient IS NOT NULL OR last_error IS NOT NULL',
        );
      for (const row of log) {
        const sealer = await sealerOf(row.consignor_id);
        await queryRunner.query(
          'UPDATE notification_log SET sealed_recipient = $3, sealed_last_error = $4 WHERE event_id = $1 AND template = $2',
          [row.event_id, row.template, sealer.seal(row.recipient), sealer.seal(row.last_error)],
        );
      }
      await queryRunner.query('ALTER TABLE notification_log DROP COLUMN recipient, DROP COLUMN last_error');
      await queryRunner.query(
        "UPDATE notification_log SET skip_reason = 'consignor email address is not valid' WHERE skip_reason LIKE 'consignor email address is not valid:%'",
      );

      const deactivated: { consignor_id: string }[] = await queryRunner.query(
        'SELECT consignor_id FROM notification_contacts WHERE deactivated_at IS NOT NULL',
      );
      for (const row of deactivated) await erasePersonalData(queryRunner.manager, consignorSubject(row.consignor_id));
      await queryRunner.query("UPDATE outbox_events SET payload = ''::bytea WHERE published_at IS NOT NULL");
    }

    async down(): Promise<void> {
      throw new Error(
        'EncryptNotificationPersonalData1764362200000 is not reverted: it would write personal data back in the clear, and erased data cannot come back. Restore a backup taken before it instead.',
      );
    }
  };
}
