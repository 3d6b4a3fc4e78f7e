import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { loadConfig } from '@consign/config';
import { developmentKeyEncryptionKeys, keyEncryptionKeysSetting } from './key-encryption-keys';

const newKey = (): string => randomBytes(32).toString('base64');
const developmentKey = developmentKeyEncryptionKeys.current.key.toString('base64');

function load(raw: string | undefined, nodeEnv?: string) {
  return loadConfig({ keys: keyEncryptionKeysSetting({ NODE_ENV: nodeEnv }) }, { NODE_ENV: nodeEnv, PERSONAL_DATA_KEYS: raw }).keys;
}

function refusal(raw: string | undefined, nodeEnv?: string): string {
  try {
    load(raw, nodeEnv);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('PERSONAL_DATA_KEYS', () => {
  it('defaults to the development KEK in development only', () => {
    expect(load(undefined, 'development')).toEqual(developmentKeyEncryptionKeys);
    expect(developmentKeyEncryptionKeys.current.id).toBe('development');
    expect(refusal(undefined)).toContain('PERSONAL_DATA_KEYS: is required but not set');
  });

  it('takes the first key as current and keeps the older ones for unwrapping', () => {
    const [current, previous] = [newKey(), newKey()];
    const keys = load(
      JSON.stringify([
        { id: '2027-01', key: current },
        { id: '2026-12', key: previous },
      ]),
      'production',
    );
    expect(keys.current).toEqual({ id: '2027-01', key: Buffer.from(current, 'base64') });
    expect(keys.find('2026-12')).toEqual(Buffer.from(previous, 'base64'));
    expect(keys.find('2025-01')).toBeUndefined();
  });

  it('refuses the development KEK outside development, under any id', () => {
    const raw = JSON.stringify([
      { id: 'prod', key: newKey() },
      { id: 'renamed', key: developmentKey },
    ]);
    expect(refusal(raw, 'production')).toContain(
      'PERSONAL_DATA_KEYS: key #1 (renamed): is the public development key-encryption key, which only development accepts',
    );
    expect(load(raw, 'development').ids).toEqual(['prod', 'renamed']);
  });

  it.each([
    ['not JSON', 'is not valid JSON'],
    ['[]', 'must be a non-empty JSON array of { "id", "key" }, the current key first'],
    ['{}', 'must be a non-empty JSON array'],
    [JSON.stringify([{ key: 'x' }]), 'key #0: id must be 1 to 64 letters, digits, or . _ : -'],
    [JSON.stringify([{ id: 'a b', key: 'x' }]), 'key #0: id must be'],
    [
      JSON.stringify([{ id: 'short', key: randomBytes(16).toString('base64') }]),
      'key #0 (short): key must be the base64 of exactly 32 bytes',
    ],
    [JSON.stringify([{ id: 'hex', key: randomBytes(32).toString('hex') }]), 'key #0 (hex): key must be the base64 of exactly 32 bytes'],
    [JSON.stringify([{ id: 'sloppy', key: `${newKey().slice(0, 20)}!${newKey().slice(21)}` }]), 'key #0 (sloppy): key must be the base64'],
    [JSON.stringify([{ id: 'number', key: 42 }]), 'key #0 (number): key must be the base64'],
  ])('refuses %s', (raw, reason) => {
    expect(refusal(raw, 'production')).toContain(reason);
  });

  it('refuses an id used twice and a key listed twice', () => {
    const key = newKey();
    expect(
      refusal(
        JSON.stringify([
          { id: 'a', key: newKey() },
          { id: 'a', key: newKey() },
        ]),
        'production',
      ),
    ).toContain('key #1 (a): the id is used twice');
    expect(
      refusal(
        JSON.stringify([
          { id: 'a', key },
          { id: 'b', key },
        ]),
        'production',
      ),
    ).toContain('key #1 (b): the same key is listed twice');
  });

  it('never shows key material: not in a refusal, a log line or an inspection', () => {
    const key = newKey();
    const short = randomBytes(31).toString('base64');
    for (const raw of [
      JSON.stringify([
        { id: 'a', key },
        { id: 'a', key: short },
      ]),
      JSON.stringify([{ id: 'a', key: short }]),
    ]) {
      const message = refusal(raw, 'production');
      expect(message).not.toContain(key);
      expect(message).not.toContain(short);
    }
    const keys = load(JSON.stringify([{ id: 'a', key }]), 'production');
    expect(JSON.stringify({ keys })).toBe('{"keys":{"current":"a","ids":["a"]}}');
    expect(inspect(keys)).toBe('KeyEncryptionKeys { current: a, ids: a }');
    expect(inspect({ keys }, { depth: 5 })).not.toContain(Buffer.from(key, 'base64').toString('hex').slice(0, 8));
  });
});
