import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inventory's own tables. Ids from Shopify are text (exact 64-bit). Times named after the source
 * (version_at, occurred_at, placed_at, cancelled_at) come from events, so replaying a topic into a
 * fresh database rebuilds the same rows; only recorded_at, held_at, escalated_at and resolved_at
 * are this database's clock.
 */
export class CreateInventory1764356000000 implements MigrationInterface {
  name = 'CreateInventory1764356000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The first example's table, superseded by orders; local databases may still have it.
    await queryRunner.query('DROP TABLE IF EXISTS received_orders');
    await queryRunner.query(`
      CREATE TABLE products (
        tenant_id text NOT NULL,
        product_id text NOT NULL,
        title text NOT NULL,
        status text NOT NULL,
        consignor_id text,
        version_at timestamptz NOT NULL,
        version_event_id text NOT NULL,
        PRIMARY KEY (tenant_id, product_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE items (
        tenant_id text NOT NULL,
        variant_id text NOT NULL,
        product_id text NOT NULL,
        inventory_item_id text,
        sku text,
        product_title text NOT NULL,
        variant_title text NOT NULL,
        consignor_id text,
        product_status text NOT NULL,
        quantity integer NOT NULL,
        units_sold integer NOT NULL CHECK (units_sold >= 0),
        status text NOT NULL CHECK (status IN ('available', 'out_of_stock', 'sold', 'archived')),
        level_as_of timestamptz,
        level_event_id text,
        PRIMARY KEY (tenant_id, variant_id)
      )`);
    // Not unique: two variants claiming one inventory item is Shopify's odd input, not a reason to stop consuming.
    await queryRunner.query('CREATE INDEX items_inventory_item ON items (tenant_id, inventory_item_id)');
    await queryRunner.query('CREATE INDEX items_consignor ON items (tenant_id, consignor_id)');
    await queryRunner.query('CREATE INDEX items_product ON items (tenant_id, product_id)');
    await queryRunner.query(`
      CREATE TABLE item_movements (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        variant_id text NOT NULL,
        cause text NOT NULL CHECK (cause IN ('product_sync', 'order_sold', 'order_cancelled', 'level_update')),
        source_event_id text NOT NULL,
        order_id text,
        line_item_id text,
        delta integer NOT NULL,
        quantity_after integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX item_movements_once ON item_movements (tenant_id, source_event_id, variant_id, COALESCE(line_item_id, ''))`,
    );
    await queryRunner.query('CREATE INDEX item_movements_item ON item_movements (tenant_id, variant_id, occurred_at)');
    await queryRunner.query(`
      CREATE TABLE orders (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        order_name text NOT NULL,
        placed_event_id text NOT NULL,
        placed_at timestamptz NOT NULL,
        total_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        state text NOT NULL CHECK (state IN ('received', 'cancelled')),
        cancel_event_id text,
        cancelled_at timestamptz,
        cancel_reason text,
        PRIMARY KEY (tenant_id, order_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE order_lines (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        line_item_id text NOT NULL,
        variant_id text,
        product_id text,
        inventory_item_id text,
        sku text,
        title text NOT NULL,
        ownership text NOT NULL CHECK (ownership IN ('consignor', 'store', 'unknown_variant', 'untracked')),
        consignor_id text,
        quantity integer NOT NULL,
        quantity_sold integer NOT NULL CHECK (quantity_sold >= 0),
        quantity_released integer NOT NULL DEFAULT 0 CHECK (quantity_released >= 0),
        quantity_restocked integer NOT NULL DEFAULT 0 CHECK (quantity_restocked >= 0),
        PRIMARY KEY (tenant_id, order_id, line_item_id),
        FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, order_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE held_cancellations (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        event_id text NOT NULL,
        event jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        escalated_at timestamptz,
        PRIMARY KEY (tenant_id, order_id, event_id)
      )`);
    await queryRunner.query('CREATE INDEX held_cancellations_waiting ON held_cancellations (held_at) WHERE escalated_at IS NULL');
    await queryRunner.query(`
      CREATE TABLE reconciliation_records (
        tenant_id text NOT NULL,
        kind text NOT NULL,
        source_event_id text NOT NULL,
        subject_id text NOT NULL,
        order_id text,
        detail jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        PRIMARY KEY (tenant_id, kind, source_event_id, subject_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX reconciliation_records_open ON reconciliation_records (tenant_id, kind) WHERE resolved_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['reconciliation_records', 'held_cancellations', 'order_lines', 'orders', 'item_movements', 'items', 'products']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
