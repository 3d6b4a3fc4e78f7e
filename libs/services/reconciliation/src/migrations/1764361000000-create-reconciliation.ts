import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reconciliation runs and the discrepancies each found, with both sides' values and their repair. */
export class CreateReconciliation1764361000000 implements MigrationInterface {
  name = 'CreateReconciliation1764361000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reconciliation_runs (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        error text,
        counts jsonb NOT NULL DEFAULT '{}',
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'cli', 'http')),
        actor text NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX reconciliation_runs_by_tenant ON reconciliation_runs (tenant_id, started_at DESC)');
    await queryRunner.query(`
      CREATE TABLE reconciliation_discrepancies (
        id text PRIMARY KEY,
        run_id text NOT NULL REFERENCES reconciliation_runs (id),
        kind text NOT NULL,
        subject_id text NOT NULL,
        shopify_value jsonb NOT NULL,
        local_value jsonb,
        repairable boolean NOT NULL,
        not_repairable_reason text,
        repaired_at timestamptz,
        repair_event_ids text[] NOT NULL DEFAULT '{}',
        UNIQUE (run_id, kind, subject_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reconciliation_discrepancies');
    await queryRunner.query('DROP TABLE reconciliation_runs');
  }
}
