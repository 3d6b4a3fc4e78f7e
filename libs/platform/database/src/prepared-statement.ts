import { createHash } from 'node:crypto';
import { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/** A statement PostgreSQL parses and plans once per connection, under its name, instead of on every run. */
export interface PreparedStatement {
  name: string;
  text: string;
}

/**
 * What PostgreSQL answers when a connection does not hold the statements its client prepared on
 * it (26000: "does not exist"; 42P05: "already exists", prepared there by another client): the
 * client's server connection changes between statements, as behind a transaction-pooling PgBouncer.
 * Both come at Parse or Bind, before anything ran.
 */
const statementsNotKeptCodes = new Set(['26000', '42P05']);

/** Pools whose server connections proved not to keep prepared statements: they get unnamed ones. */
const unnamedOnly = new WeakSet<Pool>();

const wireNames = new WeakMap<PreparedStatement, string>();

/**
 * The name sent to PostgreSQL carries a digest of the text: two releases whose statement differs
 * (a rolling deploy behind a shared pooler) can then never run each other's version under one name.
 */
function wireNameOf(statement: PreparedStatement): string {
  let name = wireNames.get(statement);
  if (!name) {
    name = `${statement.name}-${createHash('sha256').update(statement.text).digest('hex').slice(0, 12)}`;
    wireNames.set(statement, name);
  }
  return name;
}

/**
 * Runs a prepared statement on the data source's connection pool. For a hot query (hundreds a
 * second), parsing and planning cost PostgreSQL more than executing it; TypeORM's `query()` always
 * sends unnamed statements, so this goes to its pg pool directly. Where connections do not keep
 * prepared statements (a transaction-pooling PgBouncer), the first refusal switches the pool to
 * unnamed statements for good and runs the refused one again, unnamed.
 */
export async function runPrepared<TRow extends QueryResultRow>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
): Promise<TRow[]> {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!dataSource.isInitialized || !pool) throw new Error(`cannot run ${statement.name}: the database connection is not initialised`);
  if (!unnamedOnly.has(pool)) {
    try {
      const result = await pool.query<TRow>({ name: wireNameOf(statement), text: statement.text, values });
      return result.rows;
    } catch (error) {
      if (!statementsNotKeptCodes.has((error as { code?: string }).code ?? '')) throw error;
      unnamedOnly.add(pool);
    }
  }
  const result = await pool.query<TRow>({ text: statement.text, values });
  return result.rows;
}
