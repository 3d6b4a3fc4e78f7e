import { EntityManager } from 'typeorm';

/** PostgreSQL's limit on a statement's parameters: a chunk of rows never passes it. */
const maxParameters = 65_535;

export interface InsertRowsOptions {
  /** SQL closing each row's tuple after its parameters, such as `clock_timestamp()`. */
  rowSuffix?: string;
  /** SQL after VALUES, such as an ON CONFLICT clause. */
  tail?: string;
  rowsPerStatement?: number;
}

/**
 * `${head} VALUES ($1, $2, …), (…) ${tail}` for many rows: one round trip for a chunk of rows
 * where a statement each would cost one apiece. Rows keep their order, so identity columns follow
 * it. Returns the rows each statement answered, in order (for a RETURNING tail).
 */
export async function insertRows<TReturned = unknown>(
  manager: EntityManager,
  head: string,
  rows: ReadonlyArray<readonly unknown[]>,
  options: InsertRowsOptions = {},
): Promise<TReturned[]> {
  if (rows.length === 0) return [];
  const width = rows[0].length;
  const chunkSize = Math.max(1, Math.min(options.rowsPerStatement ?? 1000, Math.floor(maxParameters / Math.max(1, width))));
  const returned: TReturned[] = [];
  for (let start = 0; start < rows.length; start += chunkSize) {
    const parameters: unknown[] = [];
    const tuples = rows.slice(start, start + chunkSize).map((row) => {
      if (row.length !== width) throw new Error(`insertRows: a row of ${row.length} values among rows of ${width}`);
      const placeholders = row.map((value) => `$${parameters.push(value)}`);
      if (options.rowSuffix) placeholders.push(options.rowSuffix);
      return `(${placeholders.join(', ')})`;
    });
    const answer: unknown = await manager.query(`${head} VALUES ${tuples.join(', ')}${options.tail ? ` ${options.tail}` : ''}`, parameters);
    if (Array.isArray(answer)) returned.push(...(answer as TReturned[]));
  }
  return returned;
}
