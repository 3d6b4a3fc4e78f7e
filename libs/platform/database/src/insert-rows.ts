import { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL's limit on a statement's parameters: a chunk of rows in VALUES never passes it. */
const maxParameters = 65_535;

export interface InsertRowsOptions {
  /** SQL closing each row's tuple after its parameters, such as `clock_timestamp()`. */
  rowSuffix?: string;
  /** SQL after the rows, such as an ON CONFLICT clause. */
  tail?: string;
  /** Most rows in one statement (1,000 in VALUES; 10,000 as arrays). */
  rowsPerStatement?: number;
}

/** `INSERT INTO table [AS alias] (columns)`: what insertRows needs to know of its head. */
const headPattern = /^\s*INSERT\s+INTO\s+("?[\w.]+"?)(?:\s+AS\s+\w+)?\s*\(([^)]*)\)\s*$/i;

/** Each table's column types as PostgreSQL names them, per data source: read once, they never change while it runs. */
const columnTypesBySource = new WeakMap<DataSource, Map<string, Promise<Map<string, string>>>>();

function columnTypesOf(manager: EntityManager, table: string): Promise<Map<string, string>> {
  let tables = columnTypesBySource.get(manager.connection);
  if (!tables) {
    tables = new Map();
    columnTypesBySource.set(manager.connection, tables);
  }
  let types = tables.get(table);
  if (!types) {
    types = manager
      .query(
        'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped',
        [table],
      )
      .then((rows: Array<{ name: string; type: string }>) => new Map(rows.map((row) => [row.name, row.type])));
    // A failed read (the table not there yet) is asked again next time.
    types.catch(() => tables?.delete(table));
    tables.set(table, types);
  }
  return types;
}

/**
 * The array types the rows' columns are sent as, or undefined when they cannot be: a column of an
 * array type (unnest would flatten it), or a head this does not recognise.
 */
async function arrayTypesOf(manager: EntityManager, head: string, width: number): Promise<string[] | undefined> {
  const match = headPattern.exec(head);
  if (!match) return undefined;
  const table = match[1].replace(/"/g, '');
  const columns = match[2].split(',').map((column) => column.trim().replace(/"/g, ''));
  if (columns.length < width) return undefined;
  const types = await columnTypesOf(manager, table);
  const arrayTypes: string[] = [];
  for (const column of columns.slice(0, width)) {
    const type = types.get(column);
    if (type === undefined || type.endsWith('[]')) return undefined;
    arrayTypes.push(`${type}[]`);
  }
  return arrayTypes;
}

/**
 * Many rows in one round trip where a statement each would cost one apiece. Rows keep their
 * order, so identity columns follow it. Returns the rows each statement answered, in order (for a
 * RETURNING tail).
 *
 * The rows go as one array per column, `${head} SELECT * FROM unnest($1::type[], …) ${tail}`: a
 * statement of a few parameters, which PostgreSQL parses and binds in a fraction of the time a
 * `VALUES ($1, $2, …), (…)` of thousands takes (a rebuild's largest statements spent more time in
 * bind than in execution). The column types are PostgreSQL's own, read from the catalogue once
 * per table. A column of an array type, or a head of another shape, takes VALUES.
 */
export async function insertRows<TReturned = unknown>(
  manager: EntityManager,
  head: string,
  rows: ReadonlyArray<readonly unknown[]>,
  options: InsertRowsOptions = {},
): Promise<TReturned[]> {
  if (rows.length === 0) return [];
  const width = rows[0].length;
  for (const row of rows) {
    if (row.length !== width) throw new Error(`insertRows: a row of ${row.length} values among rows of ${width}`);
  }
  const arrayTypes = await arrayTypesOf(manager, head, width);
  const tail = options.tail ? ` ${options.tail}` : '';
  const suffix = options.rowSuffix ? `, ${options.rowSuffix}` : '';
  const chunkSize = arrayTypes
    ? Math.max(1, options.rowsPerStatement ?? 10_000)
    : Math.max(1, Math.min(options.rowsPerStatement ?? 1000, Math.floor(maxParameters / Math.max(1, width))));
  const returned: TReturned[] = [];
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    let sql: string;
    let parameters: unknown[];
    if (arrayTypes) {
      parameters = arrayTypes.map((_type, column) => chunk.map((row) => row[column]));
      sql = `${head} SELECT *${suffix} FROM unnest(${arrayTypes.map((type, index) => `$${index + 1}::${type}`).join(', ')})${tail}`;
    } else {
      parameters = [];
      const tuples = chunk.map((row) => `(${row.map((value) => `$${parameters.push(value)}`).join(', ')}${suffix})`);
      sql = `${head} VALUES ${tuples.join(', ')}${tail}`;
    }
    const answer: unknown = await manager.query(sql, parameters);
    if (Array.isArray(answer)) returned.push(...(answer as TReturned[]));
  }
  return returned;
}
