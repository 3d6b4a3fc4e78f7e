import { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox of a service that publishes: rows written with the state change, relayed in id order. */
export class CreateOutboxEvents1764355150000 implements MigrationInterface {
  name = 'CreateOutboxEvents1764355150000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_events (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        event_type text NOT NULL,
        topic text NOT NULL,
        record_key text NOT NULL,
        payload bytea NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX outbox_events_unpublished ON outbox_events (id) WHERE published_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE outbox_events');
  }
}
