import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log of operator actions: append-only, enforced by a trigger. */
export class CreateOperatorActions1764360000000 implements MigrationInterface {
  name = 'CreateOperatorActions1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE operator_actions (
        id bigserial PRIMARY KEY,
        actor text NOT NULL,
        action text NOT NULL,
        parameters jsonb NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'dry_run', 'refused')),
        result jsonb,
        error text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX operator_actions_started ON operator_actions (started_at)');
    await queryRunner.query('CREATE INDEX operator_actions_action ON operator_actions (action, started_at)');
    await queryRunner.query(`
      CREATE FUNCTION operator_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'operator_actions is an audit log: rows are never changed or deleted';
      END $$`);
    await queryRunner.query(
      'CREATE TRIGGER operator_actions_append_only BEFORE UPDATE OR DELETE ON operator_actions FOR EACH ROW EXECUTE FUNCTION operator_actions_append_only()',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE operator_actions');
    await queryRunner.query('DROP FUNCTION operator_actions_append_only');
  }
}
