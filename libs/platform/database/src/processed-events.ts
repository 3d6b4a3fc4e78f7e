import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { insertRows } from './insert-rows';

/**
 * Every service's database has this table: one row per (consumer group, event id) it has applied,
 * written in the same transaction as the event's effect. Redeliveries, restarts and offset
 * rewinds find the row and apply nothing.
 */
export class CreateProcessedEvents1764355100000 implements MigrationInterface {
  name = 'CreateProcessedEvents1764355100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE processed_events (
        consumer_group text NOT NULL,
        event_id text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE processed_events');
  }
}

export interface EventPosition {
  consumerGroup: string;
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Runs `effect` and records the event as processed, in one transaction, unless it was already
 * processed. Two deliveries racing each other serialise on the primary key: the second waits for
 * the first to commit and then finds its row.
 */
export async function applyOnce(
  dataSource: DataSource,
  position: EventPosition,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<'applied' | 'duplicate'> {
  return dataSource.transaction(async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO processed_events (consumer_group, event_id, topic, partition, "offset")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (consumer_group, event_id) DO NOTHING
       RETURNING event_id`,
      [position.consumerGroup, position.eventId, position.topic, position.partition, position.offset],
    );
    if (inserted.length === 0) return 'duplicate';
    await effect(manager);
    return 'applied';
  });
}

/** Applies one event of a unit (see applyUnitOnce), inside the unit's transaction. */
export type ApplyInUnit = (position: EventPosition, effect: (manager: EntityManager) => Promise<void>) => Promise<'applied' | 'duplicate'>;

/**
 * Applies a run of a unit's events together (see applyUnitOnce): `effect` runs once, with those of
 * `entries` not applied before, in order, and not at all when there are none. Returns them.
 */
export type ApplyRunInUnit = <T>(
  entries: readonly T[],
  positionOf: (entry: T) => EventPosition,
  effect: (manager: EntityManager, fresh: readonly T[]) => Promise<void>,
) => Promise<readonly T[]>;

/**
 * applyOnce for a run of events in one transaction: which of `eventIds` were processed before is
 * read in one statement, each event `run` applies through `apply` (or a run of them through
 * `applyRun`) is skipped when it was, and the processed-event rows are written together before
 * the one COMMIT. A row another delivery committed meanwhile fails the unit with a unique
 * violation rather than being skipped: whatever applied the event then must not be applied twice,
 * and the caller retries the events one by one.
 */
export async function applyUnitOnce<T>(
  dataSource: DataSource,
  consumerGroup: string,
  eventIds: readonly string[],
  run: (apply: ApplyInUnit, manager: EntityManager, applyRun: ApplyRunInUnit) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    const known: { event_id: string }[] = await manager.query(
      'SELECT event_id FROM processed_events WHERE consumer_group = $1 AND event_id = ANY($2::text[])',
      [consumerGroup, eventIds],
    );
    const processed = new Set(known.map((row) => row.event_id));
    const positions: EventPosition[] = [];
    const applyRun: ApplyRunInUnit = async (entries, positionOf, effect) => {
      const fresh = entries.filter((entry) => {
        const position = positionOf(entry);
        if (position.consumerGroup !== consumerGroup)
          throw new Error(`an event of group ${position.consumerGroup} cannot join a unit of group ${consumerGroup}`);
        if (processed.has(position.eventId)) return false;
        processed.add(position.eventId);
        return true;
      });
      if (fresh.length === 0) return fresh;
      await effect(manager, fresh);
      positions.push(...fresh.map(positionOf));
      return fresh;
    };
    const apply: ApplyInUnit = async (position, effect) =>
      (await applyRun([position], (same) => same, effect)).length === 0 ? 'duplicate' : 'applied';
    const result = await run(apply, manager, applyRun);
    await recordProcessedEvents(manager, positions);
    return result;
  });
}

/** A row already there fails the statement. processed_at is when the row is written, near the commit, not when the transaction began. */
async function recordProcessedEvents(manager: EntityManager, positions: readonly EventPosition[]): Promise<void> {
  await insertRows(
    manager,
    'INSERT INTO processed_events (consumer_group, event_id, topic, partition, "offset", processed_at)',
    positions.map((position) => [position.consumerGroup, position.eventId, position.topic, position.partition, position.offset]),
    { rowSuffix: 'clock_timestamp()', rowsPerStatement: 2000 },
  );
}
