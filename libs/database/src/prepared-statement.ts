import { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/** A statement PostgreSQL parses and plans once per connection, under its name, instead of on every run. */
export interface PreparedStatement {
  name: string;
  text: string;
}

/**
 * Runs a prepared statement on the data source's connection pool. For a hot query (hundreds a
 * second), parsing and planning cost PostgreSQL more than executing it; TypeORM's `query()` always
 * sends unnamed statements, so this goes to its pg pool directly.
 */
export async function runPrepared<TRow extends QueryResultRow>(dataSource: DataSource, statement: PreparedStatement, values: unknown[]): Promise<TRow[]> {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!dataSource.isInitialized || !pool) throw new Error(`cannot run ${statement.name}: the database connection is not initialised`);
  const result = await pool.query<TRow>({ name: statement.name, text: statement.text, values });
  return result.rows;
}
