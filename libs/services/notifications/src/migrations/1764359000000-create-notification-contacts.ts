import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notification-service's own copy of consignors' contact data, projected from consignors.v1: the
 * only source of recipients. Details and deactivation carry the occurredAt (and event id, to break
 * ties) of the event they came from, so a stale event never overwrites a newer one.
 */
export class CreateNotificationContacts1764359000000 implements MigrationInterface {
  name = 'CreateNotificationContacts1764359000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification_contacts (
        consignor_id text PRIMARY KEY,
        tenant_id text NOT NULL,
        display_name text,
        email text,
        details_occurred_at timestamptz,
        details_event_id text,
        deactivated_at timestamptz,
        deactivation_event_id text,
        deactivation_reason text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification_contacts');
  }
}
