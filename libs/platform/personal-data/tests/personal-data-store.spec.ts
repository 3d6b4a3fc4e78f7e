import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { KeyEncryptionKeys, CreatePersonalDataKeys1764362000000 } from '@consign/personal-data';
import {
  erasePersonalData,
  openPersonalData,
  personalDataSealer,
  rewrapPersonalDataKeys,
  runRewrapCommand,
} from '../src/personal-data-store';

const kek = (id: string) => ({ id, key: randomBytes(32) });

describe('personal data keys (real PostgreSQL)', () => {
  const december = kek('2026-12');
  const january = kek('2027-01');
  const before = new KeyEncryptionKeys([december]);
  // During a rotation: the new KEK is current, the old one still listed.
  const rotating = new KeyEncryptionKeys([january, december]);
  const after = new KeyEncryptionKeys([january]);
  let database: TemporaryDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_personal_data_test');
    dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: [CreatePersonalDataKeys1764362000000],
      applicationName: 'personal-data-test',
    });
    await dataSource.initialize();
    await migrateDatabase(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function seal(keys: KeyEncryptionKeys, subject: string, plaintext: string | null): Promise<Buffer | null> {
    return dataSource.transaction(async (manager) => (await personalDataSealer(manager, keys, subject)).seal(plaintext));
  }

  async function read(
    keys: KeyEncryptionKeys,
    subjects: string[],
    sealed: (Buffer | null)[],
  ): Promise<{ erased: boolean[]; texts: (string | null)[] }> {
    const opened = await openPersonalData(dataSource.manager, keys, subjects);
    return { erased: subjects.map((subject) => opened.erased(subject)), texts: sealed.map((value) => opened.text(value)) };
  }

  async function keyRow(subject: string): Promise<Record<string, unknown> | undefined> {
    const rows: Record<string, unknown>[] = await dataSource.query(
      'SELECT kek_id, wrapped_key, erased_at FROM personal_data_keys WHERE subject = $1',
      [subject],
    );
    return rows[0];
  }

  it('makes one data key per subject on first use, wrapped under the current KEK, and reads many subjects at once', async () => {
    const ada = await seal(before, 'person:ada', 'ada@example.org');
    const adaName = await seal(before, 'person:ada', 'Ada Lovelace');
    const grace = await seal(before, 'person:grace', 'grace@example.org');
    expect(await seal(before, 'person:ada', null)).toBeNull();
    expect(await dataSource.query("SELECT subject, kek_id FROM personal_data_keys WHERE subject LIKE 'person:%' ORDER BY subject")).toEqual(
      [
        { subject: 'person:ada', kek_id: '2026-12' },
        { subject: 'person:grace', kek_id: '2026-12' },
      ],
    );
    expect([ada, adaName, grace].some((sealed) => sealed?.includes('example.org') || sealed?.includes('Lovelace'))).toBe(false);
    expect(await read(before, ['person:ada', 'person:grace'], [ada, grace, adaName, null])).toEqual({
      erased: [false, false],
      texts: ['ada@example.org', 'grace@example.org', 'Ada Lovelace', null],
    });
  });

  it('agrees on one data key when two transactions make it at once', async () => {
    const sealed = await Promise.all(Array.from({ length: 5 }, (_, index) => seal(before, 'person:racer', `value ${index}`)));
    expect((await read(before, ['person:racer'], sealed)).texts).toEqual(['value 0', 'value 1', 'value 2', 'value 3', 'value 4']);
  });

  it('erases a subject: its values read as null, marked erased, nothing is sealed for it again, and erasing again changes nothing', async () => {
    const email = await seal(before, 'person:erased', 'erased@example.org');
    const other = await seal(before, 'person:kept', 'kept@example.org');
    await dataSource.transaction((manager) => erasePersonalData(manager, 'person:erased'));
    expect(await keyRow('person:erased')).toEqual({ kek_id: null, wrapped_key: null, erased_at: expect.any(Date) });
    expect(await read(before, ['person:erased', 'person:kept'], [email, other])).toEqual({
      erased: [true, false],
      texts: [null, 'kept@example.org'],
    });

    const sealer = await personalDataSealer(dataSource.manager, before, 'person:erased');
    expect([sealer.erased, sealer.seal('again@example.org')]).toEqual([true, null]);
    const { erased_at } = (await keyRow('person:erased')) as { erased_at: Date };
    await dataSource.transaction((manager) => erasePersonalData(manager, 'person:erased'));
    expect(await keyRow('person:erased')).toEqual({ kek_id: null, wrapped_key: null, erased_at });
  });

  it('erases a subject never seen, so that nothing about it is stored later', async () => {
    await erasePersonalData(dataSource.manager, 'person:unknown');
    expect((await personalDataSealer(dataSource.manager, before, 'person:unknown')).erased).toBe(true);
    expect((await read(before, ['person:unknown', 'person:nobody'], [])).erased).toEqual([true, false]);
  });

  it('refuses to read a value of a subject not opened, and a sealed value whose key row was deleted by hand', async () => {
    const sealed = await seal(before, 'person:removed', 'removed@example.org');
    await expect(read(before, ['person:ada'], [sealed])).rejects.toThrow('was read without opening that subject');
    await dataSource.query("DELETE FROM personal_data_keys WHERE subject = 'person:removed'");
    await expect(read(before, ['person:removed'], [sealed])).rejects.toMatchObject({ code: 'personal_data.unreadable' });
  });

  it('fails clearly when a key-encryption key is missing or wrong', async () => {
    const sealed = await seal(before, 'person:wrong-kek', 'w@example.org');
    await expect(read(after, ['person:wrong-kek'], [sealed])).rejects.toMatchObject({
      code: 'personal_data.key_unknown',
      details: { keyEncryptionKey: '2026-12' },
      message: expect.stringContaining('wrapped under key-encryption key "2026-12", which PERSONAL_DATA_KEYS does not list'),
    });
    const impostor = new KeyEncryptionKeys([kek('2026-12')]);
    await expect(read(impostor, ['person:wrong-kek'], [sealed])).rejects.toMatchObject({
      code: 'personal_data.unreadable',
      details: { keyEncryptionKey: '2026-12' },
    });
  });

  it('rotates: the old KEK still unwraps, new keys use the new one, and re-wrapping moves every key, data untouched, in batches', async () => {
    const subjects = Array.from({ length: 7 }, (_, index) => `rotation:${index}`);
    const sealed = await Promise.all(subjects.map((subject) => seal(before, subject, `${subject}@example.org`)));
    await erasePersonalData(dataSource.manager, 'rotation:erased');
    const fresh = await seal(rotating, 'rotation:fresh', 'fresh@example.org');
    expect(await keyRow('rotation:fresh')).toMatchObject({ kek_id: '2027-01' });
    expect((await read(rotating, subjects, sealed)).texts).toEqual(subjects.map((subject) => `${subject}@example.org`));

    const [{ stale }] = await dataSource.query("SELECT count(*)::int AS stale FROM personal_data_keys WHERE kek_id = '2026-12'");
    const progress: Array<[number, number]> = [];
    const outcome = await rewrapPersonalDataKeys(dataSource, rotating, (done, total) => progress.push([done, total]), 3);
    const [counts] = await dataSource.query(
      "SELECT count(*) FILTER (WHERE kek_id = '2027-01')::int AS current, count(*) FILTER (WHERE erased_at IS NOT NULL)::int AS erased FROM personal_data_keys",
    );
    expect(outcome).toEqual({ keyEncryptionKey: '2027-01', rewrapped: stale, alreadyCurrent: 1, erased: counts.erased });
    expect(counts.current).toBe(stale + 1);
    expect(progress[progress.length - 1]).toEqual([stale, stale]);
    expect(progress.map(([done]) => done)).toEqual([
      ...Array.from({ length: Math.ceil(stale / 3) - 1 }, (_, index) => (index + 1) * 3),
      stale,
    ]);

    // The old KEK can go: every value still opens with the new one alone.
    expect((await read(after, [...subjects, 'rotation:fresh'], [...sealed, fresh])).texts).toEqual([
      ...subjects.map((subject) => `${subject}@example.org`),
      'fresh@example.org',
    ]);
    expect(await rewrapPersonalDataKeys(dataSource, after)).toEqual({
      keyEncryptionKey: '2027-01',
      rewrapped: 0,
      alreadyCurrent: stale + 1,
      erased: counts.erased,
    });
  });

  it('runs as a command that logs its progress and counts', async () => {
    const back = new KeyEncryptionKeys([december, january]);
    const lines: Array<[object, string]> = [];
    const outcome = await runRewrapCommand(dataSource, back, { info: (fields, message) => lines.push([fields, message]) });
    expect(outcome.keyEncryptionKey).toBe('2026-12');
    expect(outcome.rewrapped).toBeGreaterThan(0);
    expect(lines[0]).toEqual([{ keyEncryptionKey: '2026-12' }, 're-wrapping the data keys under key-encryption key 2026-12']);
    expect(lines[lines.length - 1]).toEqual([
      outcome,
      `${outcome.rewrapped} data keys re-wrapped under 2026-12, ${outcome.alreadyCurrent} were under it already; ${outcome.erased} erased, with no key to wrap`,
    ]);
    expect(lines.slice(1, -1)).toEqual([
      [{ done: outcome.rewrapped, total: outcome.rewrapped }, `re-wrapped ${outcome.rewrapped}/${outcome.rewrapped} data keys`],
    ]);
  });

  it('stops, naming the KEK, at a data key wrapped under one no longer listed', async () => {
    await seal(new KeyEncryptionKeys([kek('lost')]), 'aaa:lost', 'lost@example.org');
    await expect(rewrapPersonalDataKeys(dataSource, after)).rejects.toMatchObject({
      code: 'personal_data.key_unknown',
      details: { keyEncryptionKey: 'lost' },
    });
  });
});
