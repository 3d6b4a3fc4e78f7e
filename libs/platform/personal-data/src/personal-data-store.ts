// Plain SQL on the caller's EntityManager: sealing and erasing happen in the transaction of the
// change that stores or forgets the data.
import { DataSource, EntityManager } from 'typeorm';
import { PlatformError } from '@consign/errors';
import { newDataKey, openBytesWithDataKey, sealWithDataKey, subjectOfSealed, unwrapDataKey, wrapDataKey } from './envelope';
import { KeyEncryptionKeys } from './key-encryption-keys';

interface KeyRow {
  subject: string;
  kek_id: string | null;
  wrapped_key: Buffer | null;
  erased_at: Date | null;
}

/** Seals what is stored about one subject (a person), under the subject's data key. */
export interface PersonalDataSealer {
  readonly subject: string;
  /** The subject was erased: nothing about them is stored again, so every seal gives null. */
  readonly erased: boolean;
  seal(plaintext: string | null): Buffer | null;
  /** The same for bytes that must open exactly as they were (a webhook body). */
  sealBytes(plaintext: Buffer): Buffer | null;
}

/**
 * The subject's data key, made (and wrapped under the current KEK) the first time anything about
 * them is stored. Two transactions making the same subject's key at once agree on the first one
 * committed.
 */
export async function personalDataSealer(manager: EntityManager, keys: KeyEncryptionKeys, subject: string): Promise<PersonalDataSealer> {
  let row = (await keyRows(manager, [subject])).get(subject);
  if (row === undefined) {
    const dataKey = newDataKey();
    const inserted: unknown[] = await manager.query(
      'INSERT INTO personal_data_keys (subject, kek_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING RETURNING subject',
      [subject, keys.current.id, wrapDataKey(keys.current, subject, dataKey)],
    );
    if (inserted.length > 0) return sealerWith(subject, dataKey);
    row = (await keyRows(manager, [subject])).get(subject) as KeyRow;
  }
  if (row.erased_at !== null) return { subject, erased: true, seal: () => null, sealBytes: () => null };
  return sealerWith(subject, unwrap(keys, row));
}

/**
 * personalDataSealer for several subjects, with one query for those whose data key exists; a
 * subject without one gets it made as personalDataSealer makes it (one statement more each).
 */
export async function personalDataSealers(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  subjects: Iterable<string>,
): Promise<Map<string, PersonalDataSealer>> {
  const asked = [...new Set(subjects)];
  const rows = await keyRows(manager, asked);
  const sealers = new Map<string, PersonalDataSealer>();
  for (const subject of asked) {
    const row = rows.get(subject);
    if (row === undefined) sealers.set(subject, await personalDataSealer(manager, keys, subject));
    else if (row.erased_at !== null) sealers.set(subject, { subject, erased: true, seal: () => null, sealBytes: () => null });
    else sealers.set(subject, sealerWith(subject, unwrap(keys, row)));
  }
  return sealers;
}

function sealerWith(subject: string, dataKey: Buffer): PersonalDataSealer {
  return {
    subject,
    erased: false,
    seal: (plaintext) => (plaintext === null ? null : sealWithDataKey(dataKey, subject, plaintext)),
    sealBytes: (plaintext) => sealWithDataKey(dataKey, subject, plaintext),
  };
}

/** The stored personal data of some subjects, readable. */
export interface OpenedPersonalData {
  /** Whether the subject's personal data was erased: their sealed values read as null. */
  erased(subject: string): boolean;
  /** The plaintext of a sealed value of one of the subjects opened; null for null, or when its subject was erased. */
  text(sealed: Buffer | null): string | null;
  /** The same for values sealed as bytes. */
  bytes(sealed: Buffer | null): Buffer | null;
}

/**
 * Loads the data keys of the subjects a read needs, in one query, for reading many rows at once.
 * The keys are read from the database on every read rather than cached in the process: unwrapping
 * costs microseconds next to the query, and reading the row each time is what makes an erasure by
 * any replica hold everywhere at once.
 */
export async function openPersonalData(
  manager: EntityManager,
  keys: KeyEncryptionKeys,
  subjects: Iterable<string>,
): Promise<OpenedPersonalData> {
  const asked = new Set(subjects);
  const rows = await keyRows(manager, [...asked]);
  const dataKeys = new Map<string, Buffer>();
  for (const row of rows.values()) if (row.erased_at === null) dataKeys.set(row.subject, unwrap(keys, row));
  const erased = (subject: string): boolean => rows.get(subject)?.erased_at != null;
  const bytes = (sealed: Buffer | null): Buffer | null => {
    if (sealed === null) return null;
    const subject = subjectOfSealed(sealed);
    if (!asked.has(subject)) throw new Error(`a sealed value of ${subject} was read without opening that subject's data`);
    if (erased(subject)) return null;
    const dataKey = dataKeys.get(subject);
    if (dataKey === undefined) {
      throw new PlatformError(`${subject} has sealed data but no data key, and was not erased: the key row was removed by hand`, {
        code: 'personal_data.unreadable',
        category: 'transient',
      });
    }
    return openBytesWithDataKey(dataKey, sealed);
  };
  return { erased, bytes, text: (sealed) => bytes(sealed)?.toString('utf8') ?? null };
}

/**
 * Crypto-shredding: the subject's data key is destroyed, which makes every value sealed under it,
 * wherever it is stored, unreadable for good. The row stays as a tombstone, so that nothing about
 * the subject is sealed again (a redelivered or replayed event). Applying it twice changes nothing.
 */
export async function erasePersonalData(manager: EntityManager, subject: string): Promise<void> {
  await manager.query(
    `INSERT INTO personal_data_keys (subject, erased_at) VALUES ($1, now())
     ON CONFLICT (subject) DO UPDATE SET kek_id = NULL, wrapped_key = NULL, erased_at = now()
     WHERE personal_data_keys.erased_at IS NULL`,
    [subject],
  );
}

export interface RewrapOutcome {
  /** The current KEK: every data key is wrapped under it now. */
  keyEncryptionKey: string;
  /** Data keys moved from an older KEK. */
  rewrapped: number;
  /** Data keys that were under the current KEK already. */
  alreadyCurrent: number;
  /** Erased subjects: no data key left to wrap. */
  erased: number;
}

/**
 * KEK rotation: every data key still wrapped under an older KEK is unwrapped and wrapped again
 * under the current one, a batch per transaction. The values sealed under the data keys are not
 * touched, so this is cheap. Running it again, or after an interruption, goes on where it stopped.
 */
export async function rewrapPersonalDataKeys(
  dataSource: DataSource,
  keys: KeyEncryptionKeys,
  onProgress: (done: number, total: number) => void = () => undefined,
  batchSize = 500,
): Promise<RewrapOutcome> {
  const current = keys.current;
  const [counts]: { stale: number; current: number; erased: number }[] = await dataSource.query(
    `SELECT count(*) FILTER (WHERE kek_id <> $1)::int AS stale, count(*) FILTER (WHERE kek_id = $1)::int AS current,
            count(*) FILTER (WHERE erased_at IS NOT NULL)::int AS erased
     FROM personal_data_keys`,
    [current.id],
  );
  let rewrapped = 0;
  for (;;) {
    const moved = await dataSource.transaction(async (manager) => {
      const rows: KeyRow[] = await manager.query(
        'SELECT subject, kek_id, wrapped_key, erased_at FROM personal_data_keys WHERE kek_id <> $1 ORDER BY subject LIMIT $2 FOR UPDATE',
        [current.id, batchSize],
      );
      if (rows.length === 0) return 0;
      await manager.query(
        `UPDATE personal_data_keys k SET kek_id = $1, wrapped_key = v.wrapped_key
         FROM unnest($2::text[], $3::bytea[]) AS v (subject, wrapped_key) WHERE k.subject = v.subject`,
        [current.id, rows.map((row) => row.subject), rows.map((row) => wrapDataKey(current, row.subject, unwrap(keys, row)))],
      );
      return rows.length;
    });
    if (moved === 0) break;
    rewrapped += moved;
    onProgress(rewrapped, Math.max(counts.stale, rewrapped));
  }
  return { keyEncryptionKey: current.id, rewrapped, alreadyCurrent: counts.current, erased: counts.erased };
}

/** `main.js rewrap-personal-data-keys`: re-wraps, logging progress and the counts. */
export async function runRewrapCommand(
  dataSource: DataSource,
  keys: KeyEncryptionKeys,
  logger: { info(fields: object, message: string): void },
): Promise<RewrapOutcome> {
  logger.info({ keyEncryptionKey: keys.current.id }, `re-wrapping the data keys under key-encryption key ${keys.current.id}`);
  const outcome = await rewrapPersonalDataKeys(dataSource, keys, (done, total) =>
    logger.info({ done, total }, `re-wrapped ${done}/${total} data keys`),
  );
  logger.info(
    outcome,
    `${outcome.rewrapped} data keys re-wrapped under ${outcome.keyEncryptionKey}, ${outcome.alreadyCurrent} were under it already; ${outcome.erased} erased, with no key to wrap`,
  );
  return outcome;
}

async function keyRows(manager: EntityManager, subjects: string[]): Promise<Map<string, KeyRow>> {
  if (subjects.length === 0) return new Map();
  const rows: KeyRow[] = await manager.query(
    'SELECT subject, kek_id, wrapped_key, erased_at FROM personal_data_keys WHERE subject = ANY($1::text[])',
    [subjects],
  );
  return new Map(rows.map((row) => [row.subject, row]));
}

function unwrap(keys: KeyEncryptionKeys, row: KeyRow): Buffer {
  const kekId = row.kek_id as string;
  const kek = keys.find(kekId);
  if (kek === undefined) {
    throw new PlatformError(
      `the data key of ${row.subject} is wrapped under key-encryption key "${kekId}", which PERSONAL_DATA_KEYS does not list: add it back (after the current one) until rewrap-personal-data-keys has run`,
      { code: 'personal_data.key_unknown', category: 'transient', details: { keyEncryptionKey: kekId } },
    );
  }
  return unwrapDataKey({ id: kekId, key: kek }, row.subject, row.wrapped_key as Buffer);
}
