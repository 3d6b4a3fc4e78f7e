import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A replay of every delivery a search matched: the archive positions it found, fixed when it
 * started, and how far it got, so an interrupted replay resumes where it stopped rather than
 * starting again or being forgotten.
 */
export class CreateWebhookReplayJobs1764360030000 implements MigrationInterface {
  name = 'CreateWebhookReplayJobs1764360030000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS webhook_replay_jobs (
        id uuid PRIMARY KEY,
        actor text NOT NULL,
        search jsonb NOT NULL,
        positions jsonb NOT NULL,
        rate_per_second double precision NOT NULL,
        next_index integer NOT NULL DEFAULT 0,
        replayed integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('running', 'interrupted', 'finished')),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_replay_jobs');
  }
}
