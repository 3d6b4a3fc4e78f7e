import { DataSource, EntityManager } from 'typeorm';
import { RecordPosition } from './dead-letter';

export interface Redrive {
  deadLetterId: string;
  redrivenTo: RecordPosition;
  redrivenBy: string;
  forced: boolean;
  redrivenAt: Date;
}

export async function redrivesOf(target: DataSource | EntityManager, deadLetterIds: string[]): Promise<Map<string, Redrive[]>> {
  if (deadLetterIds.length === 0) return new Map();
  const rows = (await target.query(
    `SELECT dead_letter_id, original_topic, redriven_partition, redriven_offset::text AS redriven_offset, redriven_by, forced, redriven_at
     FROM redriven_dead_letters WHERE dead_letter_id = ANY($1) ORDER BY id`,
    [deadLetterIds],
  )) as Array<{
    dead_letter_id: string;
    original_topic: string;
    redriven_partition: number;
    redriven_offset: string;
    redriven_by: string;
    forced: boolean;
    redriven_at: Date;
  }>;
  const byId = new Map<string, Redrive[]>();
  for (const row of rows) {
    const redrive = {
      deadLetterId: row.dead_letter_id,
      redrivenTo: { topic: row.original_topic, partition: row.redriven_partition, offset: row.redriven_offset },
      redrivenBy: row.redriven_by,
      forced: row.forced,
      redrivenAt: row.redriven_at,
    };
    byId.set(row.dead_letter_id, [...(byId.get(row.dead_letter_id) ?? []), redrive]);
  }
  return byId;
}

export async function recordRedrive(
  manager: EntityManager,
  redrive: Omit<Redrive, 'redrivenAt'> & { original: RecordPosition },
): Promise<void> {
  await manager.query(
    `INSERT INTO redriven_dead_letters (dead_letter_id, original_topic, original_partition, original_offset, redriven_partition, redriven_offset, redriven_by, forced)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      redrive.deadLetterId,
      redrive.original.topic,
      redrive.original.partition,
      redrive.original.offset,
      redrive.redrivenTo.partition,
      redrive.redrivenTo.offset,
      redrive.redrivenBy,
      redrive.forced,
    ],
  );
}

/** Serialises redrives of one dead letter across operators until the transaction ends. */
export async function lockDeadLetter(manager: EntityManager, deadLetterId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`redrive:${deadLetterId}`]);
}
