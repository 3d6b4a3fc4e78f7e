import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per (event, template): the idempotency key of every email. A row is claimed (sending)
 * before the SMTP conversation and marked sent or failed after it; a row left sending by a crash
 * is never resent automatically.
 */
export class CreateNotificationLog1764359010000 implements MigrationInterface {
  name = 'CreateNotificationLog1764359010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification_log (
        event_id text NOT NULL,
        template text NOT NULL,
        notification_id text NOT NULL UNIQUE,
        event_type text NOT NULL,
        tenant_id text NOT NULL,
        consignor_id text NOT NULL,
        recipient text,
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        last_error_code text,
        skip_reason text,
        message_id text NOT NULL,
        provider_message_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        sent_at timestamptz,
        PRIMARY KEY (event_id, template)
      )`);
    await queryRunner.query('CREATE INDEX notification_log_consignor ON notification_log (consignor_id, created_at DESC)');
    await queryRunner.query('CREATE INDEX notification_log_status ON notification_log (status, last_attempt_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification_log');
  }
}
