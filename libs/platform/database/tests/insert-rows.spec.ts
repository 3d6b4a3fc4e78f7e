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
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** Runs insertRows through a manager that counts its statements. */
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
    return statements.length - before;
  };

  it('keeps the rows in order, one statement per chunk, with a suffix in each row and a tail after them', async () => {
    const rows = Array.from({ length: 2_500 }, (_, index) => [`line-${index}`, index]);
    const count = await counted((manager) =>
      insertRows(manager, 'INSERT INTO lines (line_id, units, noted_at)', rows, { rowSuffix: 'clock_timestamp()' }),
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

  it('never passes the parameter limit of a statement, however wide the rows', async () => {
    const wide = Array.from({ length: 40_000 }, (_, index) => [`wide-${index}`, index, new Date(0)]);
    // 40,000 rows of 3 values are 120,000 parameters: more than one statement may carry.
    const count = await counted((manager) =>
      insertRows(manager, 'INSERT INTO lines (line_id, units, noted_at)', wide, { rowsPerStatement: 40_000 }),
    );
    expect(count).toBe(2);
    expect(Number((await dataSource.query("SELECT count(*) AS n FROM lines WHERE line_id LIKE 'wide-%'"))[0].n)).toBe(40_000);
  });

  it('runs nothing for no rows, and refuses rows of different widths', async () => {
    expect(await counted((manager) => insertRows(manager, 'INSERT INTO lines (line_id, units, noted_at)', []))).toBe(0);
    await expect(
      dataSource.transaction((manager) => insertRows(manager, 'INSERT INTO lines (line_id, units)', [['a', 1], ['b']])),
    ).rejects.toThrow('a row of 1 values among rows of 2');
  });
});
