import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order lines that arrive before their product or consignor are held instead of listed as
 * exceptions at once; exceptions get closed when what they waited for arrives.
 */
export class HoldEarlyOrderLines1764357020000 implements MigrationInterface {
  name = 'HoldEarlyOrderLines1764357020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per line held: what it waits for, the line and the order's event as received, so it
    // is evaluated as it would have been. 'escalated': listed as an exception, still waiting.
    await queryRunner.query(`
      CREATE TABLE held_order_lines (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        line_item_id text NOT NULL,
        awaiting text NOT NULL CHECK (awaiting IN ('product', 'consignor')),
        product_id text NOT NULL,
        consignor_id text,
        line jsonb NOT NULL,
        cause jsonb NOT NULL,
        state text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'escalated', 'applied')),
        held_at timestamptz NOT NULL DEFAULT now(),
        state_changed_at timestamptz,
        PRIMARY KEY (tenant_id, order_id, line_item_id),
        CHECK ((awaiting = 'consignor') = (consignor_id IS NOT NULL))
      )`);
    await queryRunner.query(
      "CREATE INDEX held_order_lines_awaiting_product ON held_order_lines (tenant_id, product_id) WHERE awaiting = 'product' AND state <> 'applied'",
    );
    await queryRunner.query(
      "CREATE INDEX held_order_lines_awaiting_consignor ON held_order_lines (tenant_id, consignor_id) WHERE awaiting = 'consignor' AND state <> 'applied'",
    );
    await queryRunner.query("CREATE INDEX held_order_lines_overdue ON held_order_lines (held_at) WHERE state = 'held'");
    // Order changes applied while lines of their order were held are kept there too (state
    // 'kept_for_held_lines'), to be applied to those lines once evaluated, and forgotten then.
    await queryRunner.query('CREATE INDEX held_order_changes_of_order ON held_order_changes (tenant_id, order_id)');
    await queryRunner.query(
      "ALTER TABLE held_order_changes DROP CONSTRAINT held_order_changes_state_check, ADD CONSTRAINT held_order_changes_state_check CHECK (state IN ('held', 'awaiting_reconciliation', 'applied', 'kept_for_held_lines'))",
    );
    await queryRunner.query('ALTER TABLE earnings_exceptions ADD COLUMN resolved_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE earnings_exceptions DROP COLUMN resolved_at');
    await queryRunner.query("DELETE FROM held_order_changes WHERE state = 'kept_for_held_lines'");
    await queryRunner.query(
      "ALTER TABLE held_order_changes DROP CONSTRAINT held_order_changes_state_check, ADD CONSTRAINT held_order_changes_state_check CHECK (state IN ('held', 'awaiting_reconciliation', 'applied'))",
    );
    await queryRunner.query('DROP INDEX held_order_changes_of_order');
    await queryRunner.query('DROP TABLE held_order_lines');
  }
}
