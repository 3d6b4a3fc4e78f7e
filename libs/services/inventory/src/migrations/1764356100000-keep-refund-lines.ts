import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refund lines, once each, so that every order change applies only what it adds (a refund after a
 * cancellation, a cancellation's refund lines after a plain cancel); and refunds as a cause of an
 * item's movements. One event can now move a line twice (an order that arrives after its refund
 * lines sells the line and releases it): a movement is once per cause.
 */
export class KeepRefundLines1764356100000 implements MigrationInterface {
  name = 'KeepRefundLines1764356100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_refund_lines (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        refund_line_item_id text NOT NULL,
        refund_id text NOT NULL,
        line_item_id text NOT NULL,
        quantity integer NOT NULL,
        restock_type text,
        PRIMARY KEY (tenant_id, refund_line_item_id)
      )`);
    await queryRunner.query('CREATE INDEX order_refund_lines_order ON order_refund_lines (tenant_id, order_id)');
    await queryRunner.query(`
      ALTER TABLE item_movements DROP CONSTRAINT item_movements_cause_check,
        ADD CONSTRAINT item_movements_cause_check CHECK (cause IN ('product_sync', 'order_sold', 'order_cancelled', 'order_refunded', 'level_update'))`);
    await queryRunner.query('DROP INDEX item_movements_once');
    await queryRunner.query(
      `CREATE UNIQUE INDEX item_movements_once ON item_movements (tenant_id, source_event_id, variant_id, COALESCE(line_item_id, ''), cause)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM item_movements WHERE cause = 'order_refunded'");
    await queryRunner.query('DROP INDEX item_movements_once');
    await queryRunner.query(
      `CREATE UNIQUE INDEX item_movements_once ON item_movements (tenant_id, source_event_id, variant_id, COALESCE(line_item_id, ''))`,
    );
    await queryRunner.query(`
      ALTER TABLE item_movements DROP CONSTRAINT item_movements_cause_check,
        ADD CONSTRAINT item_movements_cause_check CHECK (cause IN ('product_sync', 'order_sold', 'order_cancelled', 'level_update'))`);
    await queryRunner.query('DROP TABLE order_refund_lines');
  }
}
