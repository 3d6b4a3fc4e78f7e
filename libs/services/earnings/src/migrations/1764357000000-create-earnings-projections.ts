import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * This service's own view of products and consignors, built from their events: it never reads
 * another service's tables.
 */
export class CreateEarningsProjections1764357000000 implements MigrationInterface {
  name = 'CreateEarningsProjections1764357000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // consignor_id null: the store's own product. The latest product updatedAt wins.
    await queryRunner.query(`
      CREATE TABLE product_consignors (
        tenant_id text NOT NULL,
        product_id text NOT NULL,
        consignor_id text,
        product_updated_at timestamptz,
        event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, product_id)
      )`);
    // One row per consignor event: the consignor's standing from effective_at on, so the terms in
    // force when an item sold can be looked up whenever the sale is processed.
    await queryRunner.query(`
      CREATE TABLE consignor_changes (
        sequence bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        consignor_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        effective_at timestamptz NOT NULL,
        commission_rate_basis_points integer CHECK (commission_rate_basis_points BETWEEN 0 AND 10000),
        active boolean NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, event_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX consignor_changes_in_force ON consignor_changes (tenant_id, consignor_id, effective_at, sequence)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE consignor_changes');
    await queryRunner.query('DROP TABLE product_consignors');
  }
}
