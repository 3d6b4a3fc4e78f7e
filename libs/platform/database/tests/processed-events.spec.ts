import { randomUUID } from 'node:crypto';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { applyUnitOnce, CreateProcessedEvents1764355100000, createServiceDataSource, migrateDatabase } from '@consign/database';
import { DataSource, EntityManager } from 'typeorm';

/** applyUnitOnce: a run of events in one transaction, each applied at most once (decision 0025). */
describe('applying a unit of events once (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  const group = 'unit-test';
  const position = (eventId: string, offset: number) => ({
    consumerGroup: group,
    eventId,
    topic: 'test.topic',
    partition: 0,
    offset: String(offset),
  });

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_unit_test');
    dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: [CreateProcessedEvents1764355100000],
      applicationName: 'unit-test',
    });
    await dataSource.initialize();
    await migrateDatabase(dataSource);
    await dataSource.query('CREATE TABLE effects (event_id text NOT NULL)');
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const effectsOf = async (eventIds: string[]): Promise<string[]> =>
    (
      (await dataSource.query('SELECT event_id FROM effects WHERE event_id = ANY($1::text[]) ORDER BY event_id', [eventIds])) as {
        event_id: string;
      }[]
    ).map((row) => row.event_id);

  it('applies each event of the unit once, skips what was applied before or earlier in the unit, and records them together', async () => {
    const [before, first, second] = [randomUUID(), randomUUID(), randomUUID()];
    await applyUnitOnce(dataSource, group, [before], (apply) =>
      apply(position(before, 1), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [before])),
    );
    const outcomes = await applyUnitOnce(dataSource, group, [before, first, second, first], async (apply) => {
      const results = [];
      for (const [index, eventId] of [before, first, second, first].entries()) {
        results.push(await apply(position(eventId, 2 + index), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [eventId])));
      }
      return results;
    });
    expect(outcomes).toEqual(['duplicate', 'applied', 'applied', 'duplicate']);
    expect(await effectsOf([before, first, second])).toEqual([before, first, second].sort());
    const rows: { event_id: string; offset: string }[] = await dataSource.query(
      'SELECT event_id, "offset" FROM processed_events WHERE event_id = ANY($1::text[]) ORDER BY "offset"',
      [[first, second]],
    );
    expect(rows).toEqual([
      { event_id: first, offset: '3' },
      { event_id: second, offset: '4' },
    ]);
  });

  it('applies a run of events together: one effect for those not applied before or earlier in the unit, none when there are none', async () => {
    const [before, first, second, third] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await applyUnitOnce(dataSource, group, [before], (apply) =>
      apply(position(before, 20), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [before])),
    );
    const effects: string[][] = [];
    const insertEach = (manager: EntityManager, fresh: readonly { eventId: string }[]) => {
      effects.push(fresh.map((event) => event.eventId));
      return manager.query('INSERT INTO effects SELECT unnest($1::text[])', [fresh.map((event) => event.eventId)]);
    };
    const applied = await applyUnitOnce(dataSource, group, [before, first, second, third], async (apply, _manager, applyRun) => {
      await apply(position(first, 21), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [first]));
      const run = [position(before, 20), position(first, 21), position(second, 22), position(second, 22), position(third, 23)];
      const fresh = await applyRun(run, (same) => same, insertEach);
      const again = await applyRun([position(third, 23)], (same) => same, insertEach);
      return { fresh: fresh.map((event) => event.eventId), again };
    });
    expect(applied).toEqual({ fresh: [second, third], again: [] });
    expect(effects).toEqual([[second, third]]);
    expect(await effectsOf([before, first, second, third])).toEqual([before, first, second, third].sort());
    const rows: { event_id: string }[] = await dataSource.query(
      'SELECT event_id FROM processed_events WHERE event_id = ANY($1::text[]) ORDER BY "offset"',
      [[first, second, third]],
    );
    expect(rows.map((row) => row.event_id)).toEqual([first, second, third]);
  });

  it('fails the whole unit, applying none of it, when another delivery committed one of its events meanwhile', async () => {
    const [raced, other] = [randomUUID(), randomUUID()];
    const unit = applyUnitOnce(dataSource, group, [other, raced], async (apply) => {
      await apply(position(other, 10), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [other]));
      // The other delivery commits the same event after this unit read what was applied.
      await applyUnitOnce(dataSource, group, [raced], (applyElsewhere) =>
        applyElsewhere(position(raced, 11), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [raced])),
      );
      await apply(position(raced, 11), (manager) => manager.query('INSERT INTO effects VALUES ($1)', [raced]));
    });
    await expect(unit).rejects.toThrow(/duplicate key value violates unique constraint/);
    // The raced event was applied once, by the other delivery; the unit's other event not at all.
    expect(await effectsOf([raced, other])).toEqual([raced]);
  });
});
