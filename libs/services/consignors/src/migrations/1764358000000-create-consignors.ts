import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * consignors: the current state. clerk_users: what the service knows of each Clerk user (held,
 * registered or deleted) and the last version applied, which orders redelivered and disordered
 * events. consignor_history, rejected_consignor_changes and clerk_user_events are append-only (enforced by trigger).
 * clerk_user_events: every Clerk event applied and what it did (ignored ones with the reason), which
 * also makes applying an event a second time a no-op without the consumer's processed-event guard.
 */
export class CreateConsignors1764358000000 implements MigrationInterface {
  name = 'CreateConsignors1764358000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consignors (
        consignor_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        clerk_user_id text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('active', 'deactivated')),
        display_name text NOT NULL,
        email text,
        first_name text,
        last_name text,
        commission_rate_basis_points integer NOT NULL CHECK (commission_rate_basis_points BETWEEN 0 AND 10000),
        shopify_tag text NOT NULL,
        registered_by_event_id text NOT NULL,
        registered_at timestamptz NOT NULL,
        changed_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX consignors_tenant_status ON consignors (tenant_id, status)');
    await queryRunner.query(`
      CREATE TABLE clerk_users (
        clerk_user_id text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('held', 'registered', 'deleted')),
        consignor_id uuid REFERENCES consignors (consignor_id),
        event_tenant_id text NOT NULL,
        hold_reason text,
        user_snapshot jsonb,
        clerk_updated_at bigint,
        last_event_id text NOT NULL,
        state_since timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (state <> 'held' OR hold_reason IS NOT NULL)
      )`);
    await queryRunner.query("CREATE INDEX clerk_users_held ON clerk_users (state_since) WHERE state = 'held'");
    await queryRunner.query(`
      CREATE TABLE consignor_history (
        entry_id uuid PRIMARY KEY,
        consignor_id uuid NOT NULL REFERENCES consignors (consignor_id),
        event_id text NOT NULL,
        event_type text NOT NULL,
        change text NOT NULL CHECK (change IN ('registered', 'updated', 'deactivated')),
        field text,
        from_value jsonb,
        to_value jsonb,
        position integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX consignor_history_consignor ON consignor_history (consignor_id, occurred_at, position)');
    await queryRunner.query(`
      CREATE TABLE rejected_consignor_changes (
        event_id text NOT NULL,
        field text NOT NULL,
        consignor_id uuid NOT NULL REFERENCES consignors (consignor_id),
        attempted_value text,
        reason text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, field)
      )`);
    await queryRunner.query('CREATE INDEX rejected_consignor_changes_consignor ON rejected_consignor_changes (consignor_id, occurred_at)');
    await queryRunner.query(`
      CREATE TABLE clerk_user_events (
        event_id text PRIMARY KEY,
        event_type text NOT NULL,
        clerk_user_id text NOT NULL,
        tenant_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('registered', 'updated', 'unchanged', 'held', 'deactivated', 'discarded', 'ignored')),
        reason text,
        clerk_updated_at bigint,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX clerk_user_events_user ON clerk_user_events (clerk_user_id, occurred_at)');
    await queryRunner.query(`
      CREATE FUNCTION consignor_records_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$`);
    for (const table of ['consignor_history', 'rejected_consignor_changes', 'clerk_user_events']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION consignor_records_are_append_only()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE clerk_user_events, rejected_consignor_changes, consignor_history, clerk_users, consignors');
    await queryRunner.query('DROP FUNCTION consignor_records_are_append_only()');
  }
}
