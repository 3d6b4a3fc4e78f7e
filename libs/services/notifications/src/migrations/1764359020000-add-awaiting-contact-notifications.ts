import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification whose consignor is not known yet (earnings.v1 and consignors.v1 are consumed
 * independently) waits in the log as `awaiting_contact`, holding what sending it later needs
 * without its event: the cause's metadata (for the NotificationSent/Failed it causes) and the
 * template values the event gave. Only deferred notifications carry them; they keep them once
 * claimed, so a failed attempt is retried from the row.
 */
export class AddAwaitingContactNotifications1764359020000 implements MigrationInterface {
  name = 'AddAwaitingContactNotifications1764359020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notification_log
        ADD COLUMN cause_metadata jsonb,
        ADD COLUMN template_values jsonb,
        DROP CONSTRAINT notification_log_status_check,
        ADD CONSTRAINT notification_log_status_check CHECK (status IN ('awaiting_contact', 'sending', 'sent', 'failed', 'skipped')),
        ADD CONSTRAINT notification_log_deferred_payload CHECK ((cause_metadata IS NULL) = (template_values IS NULL)),
        ADD CONSTRAINT notification_log_awaiting_has_payload CHECK (status <> 'awaiting_contact' OR cause_metadata IS NOT NULL)`);
    await queryRunner.query(`
      CREATE INDEX notification_log_deferred ON notification_log (consignor_id, created_at)
      WHERE cause_metadata IS NOT NULL AND status IN ('awaiting_contact', 'failed')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX notification_log_deferred');
    // Fails while rows still await their contact: the previous schema cannot hold them.
    await queryRunner.query(`
      ALTER TABLE notification_log
        DROP CONSTRAINT notification_log_awaiting_has_payload,
        DROP CONSTRAINT notification_log_deferred_payload,
        DROP CONSTRAINT notification_log_status_check,
        ADD CONSTRAINT notification_log_status_check CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
        DROP COLUMN template_values,
        DROP COLUMN cause_metadata`);
  }
}
