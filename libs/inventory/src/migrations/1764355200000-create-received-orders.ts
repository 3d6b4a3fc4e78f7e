import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReceivedOrders1764355200000 implements MigrationInterface {
  name = 'CreateReceivedOrders1764355200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE received_orders (
        event_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        order_name text NOT NULL,
        line_count integer NOT NULL CHECK (line_count >= 0),
        total_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX received_orders_tenant_order ON received_orders (tenant_id, order_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE received_orders');
  }
}
