import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which dead letters were sent back to their topic, by whom, and where they landed. Kafka cannot
 * delete one record, so this is what stops the same dead letter from being redriven twice by mistake.
 */
export class CreateRedrivenDeadLetters1764360010000 implements MigrationInterface {
  name = 'CreateRedrivenDeadLetters1764360010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS redriven_dead_letters (
        id bigserial PRIMARY KEY,
        dead_letter_id text NOT NULL,
        original_topic text NOT NULL,
        original_partition integer NOT NULL,
        original_offset bigint NOT NULL,
        redriven_partition integer NOT NULL,
        redriven_offset bigint NOT NULL,
        redriven_by text NOT NULL,
        forced boolean NOT NULL,
        redriven_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX IF NOT EXISTS redriven_dead_letters_dead_letter ON redriven_dead_letters (dead_letter_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE redriven_dead_letters');
  }
}
