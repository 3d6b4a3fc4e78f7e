import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';

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
