import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per subject (a person) whose personal data this database stores: their data key, wrapped
 * under the KEK `kek_id` names. Erasing the subject removes the key and keeps the row, with
 * `erased_at`, as a tombstone. Every service database holding personal data includes this migration.
 */
export class CreatePersonalDataKeys1764362000000 implements MigrationInterface {
  name = 'CreatePersonalDataKeys1764362000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE personal_data_keys (
        subject text PRIMARY KEY,
        kek_id text,
        wrapped_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        CHECK ((kek_id IS NULL) = (wrapped_key IS NULL)),
        CHECK ((erased_at IS NULL) = (wrapped_key IS NOT NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE personal_data_keys');
  }
}
