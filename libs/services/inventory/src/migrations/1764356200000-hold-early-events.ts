import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What arrives before the product sync that brings what it names waits for it, like a
 * cancellation before its order, so that applying it later has the effect it would have had in
 * order:
 * - an order naming a variant not known yet, held whole: held_orders says which variants it waits
 *   for, held_order_events keeps its events (the order's, and every later one of it) as they
 *   arrived, to be replayed through the handlers;
 * - a level update naming an inventory item no known variant has.
 * held_at and escalated_at are this database's clock, as in held_cancellations; arrival only
 * orders one order's events.
 *
 * Lines and levels recorded for reconciliation before this migration stay as they were: their
 * events were not kept.
 */
export class HoldEarlyEvents1764356200000 implements MigrationInterface {
  name = 'HoldEarlyEvents1764356200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE held_orders (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        variant_ids text[] NOT NULL,
        awaited_variant_ids text[] NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, order_id)
      )`);
    await queryRunner.query('CREATE INDEX held_orders_awaited ON held_orders USING gin (awaited_variant_ids)');
    await queryRunner.query('CREATE INDEX held_orders_waiting ON held_orders (held_at)');
    await queryRunner.query(`
      CREATE TABLE held_order_events (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        event_id text NOT NULL,
        arrival bigint GENERATED ALWAYS AS IDENTITY,
        event_type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        event jsonb NOT NULL,
        PRIMARY KEY (tenant_id, order_id, event_id),
        FOREIGN KEY (tenant_id, order_id) REFERENCES held_orders (tenant_id, order_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE held_inventory_levels (
        tenant_id text NOT NULL,
        inventory_item_id text NOT NULL,
        event_id text NOT NULL,
        event jsonb NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        escalated_at timestamptz,
        PRIMARY KEY (tenant_id, inventory_item_id, event_id)
      )`);
    await queryRunner.query('CREATE INDEX held_inventory_levels_waiting ON held_inventory_levels (held_at) WHERE escalated_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE held_inventory_levels');
    await queryRunner.query('DROP TABLE held_order_events');
    await queryRunner.query('DROP TABLE held_orders');
  }
}
