import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's own database: what happened to each delivery (the dedupe record, shared by every
 * replica and kept for a bounded window) and the spool of records accepted while Kafka was
 * unreachable, drained in arrival order.
 */
export class CreateWebhookDeliveries1764355400000 implements MigrationInterface {
  name = 'CreateWebhookDeliveries1764355400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        delivery_key text PRIMARY KEY,
        source text NOT NULL,
        tenant_id text NOT NULL,
        topic text NOT NULL,
        delivery_id text NOT NULL,
        source_event_id text,
        event_id text NOT NULL,
        request_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('receiving', 'published', 'spooled', 'duplicate', 'failed')),
        duplicate_of text,
        attempts integer NOT NULL DEFAULT 1,
        received_at timestamptz NOT NULL DEFAULT now(),
        verified_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        published_to jsonb
      )`);
    await queryRunner.query('CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)');
    await queryRunner.query('CREATE INDEX webhook_deliveries_delivery_id ON webhook_deliveries (delivery_id)');
    await queryRunner.query('CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at)');
    await queryRunner.query(`
      CREATE TABLE webhook_spool (
        id bigserial PRIMARY KEY,
        delivery_key text NOT NULL REFERENCES webhook_deliveries (delivery_key),
        records jsonb NOT NULL,
        spooled_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_spool');
    await queryRunner.query('DROP TABLE webhook_deliveries');
  }
}
