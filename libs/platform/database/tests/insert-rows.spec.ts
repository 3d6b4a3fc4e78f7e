import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { createServiceDataSource, insertRows } from '@consign/database';
import { DataSource } from 'typeorm';

describe('insertRows: many rows in few statements (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_insert_rows_test');
    dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: [],
      applicationName: 'insert-rows-test',
    });
    await dataSource.initialize();
    await dataSource.query(
      'CREATE TABLE lines (id bigint GENERATED ALWAYS AS IDENTITY, line_id text PRIMARY KEY, units integer NOT NULL, noted_at timestamptz NOT NULL)',
    );
    await dataSource.query(
      'CREATE TABLE kinds (id text PRIMARY KEY, payload bytea, headers jsonb, amount bigint, at timestamptz, done boolean)',
    );
    await dataSource.query('CREATE TABLE tagged (id text PRIMARY KEY, tags text[] NOT NULL, units integer NOT NULL)');
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** Runs insertRows through a manager that counts its INSERT statements (not its one look at the catalogue per table). */
  const counted = async (run: (manager: DataSource['manager']) => Promise<unknown>): Promise<number> => {
    const before = statements.length;
    await dataSource.transaction(async (manager) => {
      const query = manager.query.bind(manager);
      manager.query = (sql: string, parameters?: unknown[]) => {
        statements.push(sql);
        return query(sql, parameters);
      };
      await run(manager);
    });
    return statements.slice(before).filter((sql) => sql.startsWith('INSERT')).length;
  };

  it('keeps the rows in order, one statement per chunk, with a suffix in each row and a tail after them', async () => {
    const rows = Array.from({ length: 2_500 }, (_, index) => [`line-${index}`, index]);
    const count = await counted((manager) =>
      insertRows(manager, 'INSERT INTO lines (line_id, units, noted_at)', rows, { rowSuffix: 'clock_timestamp()', rowsPerStatement: 1000 }),
    );
    expect(count).toBe(3);
    const stored: Array<{ line_id: string; units: number }> = await dataSource.query('SELECT line_id, units FROM lines ORDER BY id');
    expect(stored.map((row) => row.line_id)).toEqual(rows.map(([lineId]) => lineId));
    const returned = await dataSource.transaction((manager) =>
      insertRows<{ line_id: string }>(
        manager,
        'INSERT INTO lines (line_id, units, noted_at)',
        [
          ['line-0', 9, new Date()],
          ['line-new', 1, new Date()],
        ],
        {
          tail: 'ON CONFLICT (line_id) DO NOTHING RETURNING line_id',
        },
      ),
    );
    expect(returned).toEqual([{ line_id: 'line-new' }]);
  });

  it("sends the rows as one array per column, typed as the table's columns, whatever their number", async () => {
    const before = statements.length;
    const wide = Array.from({ length: 40_000 }, (_, index) => [`wide-${index}`, index, new Date(0)]);
    // 40,000 rows of 3 values would be 120,000 parameters in VALUES, more than a statement may carry: as arrays they are 3.
    const count = await counted((manager) =>
      insertRows(manager, 'INSERT INTO lines (line_id, units, noted_at)', wide, { rowsPerStatement: 40_000 }),
    );
    expect(count).toBe(1);
    expect(statements.slice(before)).toContainEqual(
      expect.stringMatching(/SELECT \* FROM unnest\(\$1::text\[\], \$2::integer\[\], \$3::timestamp with time zone\[\]\)$/),
    );
    expect(Number((await dataSource.query("SELECT count(*) AS n FROM lines WHERE line_id LIKE 'wide-%'"))[0].n)).toBe(40_000);

    const at = new Date('2026-12-07T10:00:00.123Z');
    const kinds = [
      ['quoted "text" \\ and, {braces}', Buffer.from([0, 1, 254, 255]), JSON.stringify({ a: [1, 'x'] }), '9007199254740993', at, true],
      ['nulls', null, null, null, null, null],
      ['NULL', Buffer.alloc(0), '"just a string"', '-1', at, false],
    ];
    await counted((manager) => insertRows(manager, 'INSERT INTO kinds (id, payload, headers, amount, at, done)', kinds));
    const stored: Array<Record<string, unknown>> = await dataSource.query(
      "SELECT id, payload, headers, amount::text AS amount, at, done FROM kinds ORDER BY CASE id WHEN 'nulls' THEN 2 WHEN 'NULL' THEN 3 ELSE 1 END",
    );
    expect(stored).toEqual([
      { id: kinds[0][0], payload: Buffer.from([0, 1, 254, 255]), headers: { a: [1, 'x'] }, amount: '9007199254740993', at, done: true },
      { id: 'nulls', payload: null, headers: null, amount: null, at: null, done: null },
      { id: 'NULL', payload: Buffer.alloc(0), headers: 'just a string', amount: '-1', at, done: false },
    ]);
  });

  it('takes VALUES for a column of an array type, and never passes the parameter limit there', async () => {
    const before = statements.length;
    const tagged = Array.from({ length: 30_000 }, (_, index) => [`tagged-${index}`, ['a', `b,${index}`], index]);
    // 30,000 rows of 3 values are 90,000 parameters: more than one statement may carry.
    const count = await counted((manager) =>
      insertRows(manager, 'INSERT INTO tagged (id, tags, units)', tagged, { rowsPerStatement: 30_000 }),
    );
    expect(count).toBe(2);
    expect(
      statements
        .slice(before)
        .filter((sql) => sql.startsWith('INSERT'))
        .every((sql) => sql.includes(' VALUES ($1, $2, $3), ')),
    ).toBe(true);
    expect(await dataSource.query("SELECT tags FROM tagged WHERE id = 'tagged-7'")).toEqual([{ tags: ['a', 'b,7'] }]);
  });

  it('runs nothing for no rows, and refuses rows of different widths', async () => {
    expect(await counted((manager) => insertRows(manager, 'INSERT INTO lines (line_id, units, noted_at)', []))).toBe(0);
    await expect(
      dataSource.transaction((manager) => insertRows(manager, 'INSERT INTO lines (line_id, units)', [['a', 1], ['b']])),
    ).rejects.toThrow('a row of 1 values among rows of 2');
  });
});
