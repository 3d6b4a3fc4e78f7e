import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { isDevelopment, json, Setting } from '@consign/config';
import { PlatformError } from '@consign/errors';

/** A key that seals tenants' webhook secrets in the tenant store. */
export interface TenantSecretsKey {
  /** Stored beside every sealed value, so that the key can rotate. */
  readonly id: string;
  /** 32 bytes: AES-256. */
  readonly key: Buffer;
}

/** A tenant's webhook secrets, each list current first. */
export interface TenantSecrets {
  readonly shopifyWebhookSecrets: readonly string[];
  readonly clerkSigningSecrets: readonly string[];
}

export interface SealedSecrets {
  readonly keyId: string;
  readonly sealed: Buffer;
}

/**
 * The configured keys: the first is current and seals every write; the others still open what they
 * sealed until each tenant has been written again. Logging or serialising it shows the ids only.
 */
export class TenantSecretsKeys {
  readonly current: TenantSecretsKey;
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly TenantSecretsKey[]) {
    if (keys.length === 0) throw new Error('at least one tenant secrets key is needed');
    this.current = keys[0];
    this.byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

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
    return `TenantSecretsKeys { current: ${this.current.id}, ids: ${this.ids.join(', ')} }`;
  }
}

/** Public (it is in this repository), so only development accepts it, like the development tenant's secrets. */
const developmentKeys: readonly TenantSecretsKey[] = [
  { id: 'development', key: Buffer.from('l0zz8ICRDzYyNDEEqfmS5e/THAfgxT7yt6ReUdrA5dE=', 'base64') },
];

/**
 * TENANT_SECRETS_KEYS: a JSON array of `{ "id", "key" }`, the key the base64 of 32 random bytes,
 * current first. Only the gateway and the operator's tool read it. In development it defaults to the
 * development key; anywhere else it is required, and the development key is refused.
 */
export function tenantSecretsKeysSetting(env: NodeJS.ProcessEnv): Setting<TenantSecretsKeys> {
  const development = isDevelopment(env);
  const setting = json(
    'TENANT_SECRETS_KEYS',
    (value) => parseTenantSecretsKeys(value, development),
    development ? () => [...developmentKeys] : undefined,
  );
  return { variable: setting.variable, parse: (raw) => new TenantSecretsKeys(setting.parse(raw)) };
}

/** Every reason names the entry by position and id, never its key. */
function parseTenantSecretsKeys(value: unknown, allowDevelopmentKey: boolean): TenantSecretsKey[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error('must be a non-empty JSON array of { "id", "key" }, the current key first');
  const keys: TenantSecretsKey[] = [];
  value.forEach((entry: unknown, index) => {
    const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const id = record.id;
    if (typeof id !== 'string' || !/^[\w.:-]{1,64}$/.test(id))
      throw new Error(`key #${index}: id must be 1 to 64 letters, digits, or . _ : -`);
    const where = `key #${index} (${id})`;
    if (keys.some((earlier) => earlier.id === id)) throw new Error(`${where}: the id is used twice`);
    // Decoding and encoding again must give the same text: Node's decoder skips what is not base64.
    const key = typeof record.key === 'string' ? Buffer.from(record.key, 'base64') : Buffer.alloc(0);
    if (key.length !== 32 || key.toString('base64') !== record.key)
      throw new Error(`${where}: key must be the base64 of exactly 32 bytes (openssl rand -base64 32)`);
    if (!allowDevelopmentKey && developmentKeys.some((development) => development.key.equals(key)))
      throw new Error(`${where}: is the public development tenant secrets key, which only development accepts`);
    if (keys.some((earlier) => earlier.key.equals(key))) throw new Error(`${where}: the same key is listed twice`);
    keys.push({ id, key });
  });
  return keys;
}

// AES-256-GCM with random 96-bit nonces: each write seals one small value, far below the 2^32
// seals per key that random nonces allow. `version | nonce | tag | ciphertext`.
const formatVersion = 1;
const nonceBytes = 12;
const tagBytes = 16;

/** Seals a tenant's secrets under the current key; the tenant id and key id are authenticated with them. */
export function sealTenantSecrets(keys: TenantSecretsKeys, tenantId: string, secrets: TenantSecrets): SealedSecrets {
  const { id, key } = keys.current;
  const plaintext = Buffer.from(
    JSON.stringify({ shopifyWebhookSecrets: secrets.shopifyWebhookSecrets, clerkSigningSecrets: secrets.clerkSigningSecrets }),
    'utf8',
  );
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes });
  cipher.setAAD(sealingContext(id, tenantId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyId: id, sealed: Buffer.concat([Buffer.of(formatVersion), nonce, cipher.getAuthTag(), ciphertext]) };
}

/**
 * Opens what sealTenantSecrets sealed. Refuses (tenant.secrets_unreadable) a key id the keys no
 * longer list, a key listed under the wrong id, altered bytes, and secrets sealed for another tenant.
 */
export function openTenantSecrets(keys: TenantSecretsKeys, tenantId: string, sealed: SealedSecrets): TenantSecrets {
  const key = keys.find(sealed.keyId);
  const unreadable = (why: string) =>
    new PlatformError(`the webhook secrets of tenant ${tenantId} do not open: ${why}`, {
      code: 'tenant.secrets_unreadable',
      category: 'transient',
      details: { tenantId, keyId: sealed.keyId },
    });
  if (!key) throw unreadable(`TENANT_SECRETS_KEYS does not list key "${sealed.keyId}", which sealed them`);
  const bytes = sealed.sealed;
  if (bytes.length < 1 + nonceBytes + tagBytes || bytes[0] !== formatVersion) throw unreadable('they are not sealed in a known format');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + nonceBytes), { authTagLength: tagBytes });
  decipher.setAAD(sealingContext(sealed.keyId, tenantId));
  decipher.setAuthTag(bytes.subarray(1 + nonceBytes, 1 + nonceBytes + tagBytes));
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(bytes.subarray(1 + nonceBytes + tagBytes)), decipher.final()]);
  } catch {
    throw unreadable(`key "${sealed.keyId}" is not the key that sealed them, or they were altered`);
  }
  const opened = JSON.parse(plaintext.toString('utf8')) as TenantSecrets;
  return { shopifyWebhookSecrets: opened.shopifyWebhookSecrets, clerkSigningSecrets: opened.clerkSigningSecrets };
}

/** What `tenants list` shows of a secret: enough to tell two apart, too little to sign with. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12);
}

function sealingContext(keyId: string, tenantId: string): Buffer {
  return Buffer.from(`tenant-secrets\u0000${keyId}\u0000${tenantId}`, 'utf8');
}
