import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log takes every app's admin calls too: which app served each action, and the id of the
 * audit event a row came from, so a redelivered event is kept once.
 */
export class AddOperatorActionApps1764360020000 implements MigrationInterface {
  name = 'AddOperatorActionApps1764360020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE operator_actions ADD COLUMN app text NOT NULL DEFAULT 'ops-cli', ADD COLUMN source_event_id text UNIQUE`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operator_actions DROP COLUMN app, DROP COLUMN source_event_id');
  }
}
