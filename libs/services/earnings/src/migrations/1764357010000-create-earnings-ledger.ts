import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEarningsLedger1764357010000 implements MigrationInterface {
  name = 'CreateEarningsLedger1764357010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Orders received (with or without consignor lines): a cancellation for an order not here yet is held.
    await queryRunner.query(`
      CREATE TABLE earnings_orders (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        order_name text NOT NULL,
        currency char(3) NOT NULL,
        sold_at timestamptz NOT NULL,
        event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, order_id)
      )`);
    // A row means the order is paid. Kept apart from the ledger so an entry's status is derived
    // from the order, whichever of sale and payment arrives first.
    await queryRunner.query(`
      CREATE TABLE order_payments (
        tenant_id text NOT NULL,
        order_id text NOT NULL,
        paid_at timestamptz NOT NULL,
        event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, order_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE earnings_ledger (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        entry_type text NOT NULL CHECK (entry_type IN ('sale', 'reversal')),
        consignor_id text NOT NULL,
        order_id text NOT NULL,
        line_item_id text NOT NULL,
        item_title text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        gross_minor bigint NOT NULL CHECK (gross_minor >= 0),
        commission_rate_basis_points integer NOT NULL CHECK (commission_rate_basis_points BETWEEN 0 AND 10000),
        consignor_share_minor bigint NOT NULL CHECK (consignor_share_minor >= 0),
        store_share_minor bigint NOT NULL CHECK (store_share_minor >= 0),
        currency char(3) NOT NULL,
        reverses_entry_id uuid REFERENCES earnings_ledger (id),
        reversal_reason text,
        occurred_at timestamptz NOT NULL,
        cause_event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (gross_minor = consignor_share_minor + store_share_minor),
        CHECK ((entry_type = 'sale') = (reverses_entry_id IS NULL AND reversal_reason IS NULL))
      )`);
    await queryRunner.query(
      "CREATE UNIQUE INDEX earnings_ledger_one_sale_per_line ON earnings_ledger (tenant_id, order_id, line_item_id) WHERE entry_type = 'sale'",
    );
    await queryRunner.query('CREATE INDEX earnings_ledger_consignor ON earnings_ledger (tenant_id, consignor_id, occurred_at)');
    await queryRunner.query(
      'CREATE INDEX earnings_ledger_reverses ON earnings_ledger (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL',
    );
    // Corrections are new entries: the database itself refuses to change or remove one.
    await queryRunner.query(`
      CREATE FUNCTION earnings_ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'earnings_ledger is append-only: append a reversal instead of % on entry %', TG_OP, OLD.id;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER earnings_ledger_append_only BEFORE UPDATE OR DELETE ON earnings_ledger
      FOR EACH ROW EXECUTE FUNCTION earnings_ledger_is_append_only()`);
    // Refund lines already reversed (ledger_entry_id null when nothing was left to reverse).
    await queryRunner.query(`
      CREATE TABLE reversed_refund_lines (
        tenant_id text NOT NULL,
        refund_line_item_id text NOT NULL,
        refund_id text NOT NULL,
        order_id text NOT NULL,
        line_item_id text NOT NULL,
        ledger_entry_id uuid REFERENCES earnings_ledger (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, refund_line_item_id)
      )`);
    // Kept by the same transactions that append to the ledger; consignor shares split by the
    // order's payment, gross and store share for the store owner's view.
    await queryRunner.query(`
      CREATE TABLE earnings_daily_totals (
        tenant_id text NOT NULL,
        consignor_id text NOT NULL,
        day date NOT NULL,
        currency char(3) NOT NULL,
        pending_minor bigint NOT NULL DEFAULT 0,
        earned_minor bigint NOT NULL DEFAULT 0,
        reversed_minor bigint NOT NULL DEFAULT 0,
        gross_sold_minor bigint NOT NULL DEFAULT 0,
        gross_reversed_minor bigint NOT NULL DEFAULT 0,
        store_share_sold_minor bigint NOT NULL DEFAULT 0,
        store_share_reversed_minor bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, consignor_id, day, currency)
      )`);
    await queryRunner.query('CREATE INDEX earnings_daily_totals_tenant_day ON earnings_daily_totals (tenant_id, day)');
    // Cancellations and refunds that arrived before their order, applied when it arrives.
    await queryRunner.query(`
      CREATE TABLE held_order_changes (
        tenant_id text NOT NULL,
        event_id text NOT NULL,
        order_id text NOT NULL,
        event_type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        event jsonb NOT NULL,
        state text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'awaiting_reconciliation', 'applied')),
        held_at timestamptz NOT NULL DEFAULT now(),
        state_changed_at timestamptz,
        PRIMARY KEY (tenant_id, event_id)
      )`);
    await queryRunner.query("CREATE INDEX held_order_changes_waiting ON held_order_changes (tenant_id, order_id) WHERE state <> 'applied'");
    await queryRunner.query(`
      CREATE TABLE earnings_exceptions (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        kind text NOT NULL,
        order_id text,
        line_item_id text,
        consignor_id text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        cause_event_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX earnings_exceptions_tenant_kind ON earnings_exceptions (tenant_id, kind, occurred_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'earnings_exceptions',
      'held_order_changes',
      'earnings_daily_totals',
      'reversed_refund_lines',
      'earnings_ledger',
      'order_payments',
      'earnings_orders',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query('DROP FUNCTION earnings_ledger_is_append_only()');
  }
}
