import { inspect } from 'node:util';
import { isDevelopment, json, Setting } from '@consign/config';

/** A key-encryption key (KEK): wraps the subjects' data keys, never personal data itself. */
export interface KeyEncryptionKey {
  /** Recorded beside every data key it wraps, so that the KEK can rotate. */
  readonly id: string;
  /** 32 bytes: AES-256. */
  readonly key: Buffer;
}

/**
 * The configured KEKs: the first is current and wraps every new data key; the others still unwrap
 * the data keys they wrapped until `rewrap-personal-data-keys` has moved those to the current one.
 * Logging or serialising it shows the ids only.
 */
export class KeyEncryptionKeys {
  readonly current: KeyEncryptionKey;
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly KeyEncryptionKey[]) {
    if (keys.length === 0) throw new Error('at least one key-encryption key is needed');
    this.current = keys[0];
    this.byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

  /** The KEK with this id, or undefined when the configuration no longer lists it. */
  find(id: string): Buffer | undefined {
    return this.byId.get(id);
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  toJSON(): { current: string; ids: string[] } {
    return { current: this.current.id, ids: this.ids };
  }

  [inspect.custom](): string {
    return `KeyEncryptionKeys { current: ${this.current.id}, ids: ${this.ids.join(', ')} }`;
  }
}

/**
 * The development KEK: public (it is in this repository and in docs/configuration.md), so only
 * development accepts it, like the development tenant's secrets and the development API key.
 */
const developmentKeys: readonly KeyEncryptionKey[] = [
  { id: 'development', key: Buffer.from('jvju9l1OAbbmy2ZkWfOgTLR7QmUpUgNT/e2xbTxzIT0=', 'base64') },
];

export const developmentKeyEncryptionKeys = new KeyEncryptionKeys(developmentKeys);

/**
 * PERSONAL_DATA_KEYS: a JSON array of `{ "id", "key" }`, the key the base64 of 32 random bytes,
 * current first. In development it defaults to the development KEK; anywhere else it is required,
 * and the development KEK is refused.
 */
export function keyEncryptionKeysSetting(env: NodeJS.ProcessEnv): Setting<KeyEncryptionKeys> {
  const development = isDevelopment(env);
  const setting = json(
    'PERSONAL_DATA_KEYS',
    (value) => parseKeyEncryptionKeys(value, { allowDevelopmentKey: development }),
    development ? () => [...developmentKeys] : undefined,
  );
  return { variable: setting.variable, parse: (raw) => new KeyEncryptionKeys(setting.parse(raw)) };
}

/** Validates PERSONAL_DATA_KEYS; every reason names the entry by position and id, never its key. */
function parseKeyEncryptionKeys(value: unknown, options: { allowDevelopmentKey: boolean }): KeyEncryptionKey[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error('must be a non-empty JSON array of { "id", "key" }, the current key first');
  const ids = new Set<string>();
  const keys: KeyEncryptionKey[] = [];
  value.forEach((entry: unknown, index) => {
    const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const id = record.id;
    if (typeof id !== 'string' || !/^[\w.:-]{1,64}$/.test(id))
      throw new Error(`key #${index}: id must be 1 to 64 letters, digits, or . _ : -`);
    const where = `key #${index} (${id})`;
    if (ids.has(id)) throw new Error(`${where}: the id is used twice`);
    ids.add(id);
    // Decoding and encoding again must give the same text: Node's decoder skips what is not base64.
    const key = typeof record.key === 'string' ? Buffer.from(record.key, 'base64') : Buffer.alloc(0);
    if (key.length !== 32 || key.toString('base64') !== record.key)
      throw new Error(`${where}: key must be the base64 of exactly 32 bytes (openssl rand -base64 32)`);
    if (!options.allowDevelopmentKey && developmentKeys.some((development) => development.key.equals(key))) {
      throw new Error(`${where}: is the public development key-encryption key, which only development accepts`);
    }
    if (keys.some((earlier) => earlier.key.equals(key))) throw new Error(`${where}: the same key is listed twice`);
    keys.push({ id, key });
  });
  return keys;
}
