import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PlatformError } from '@consign/errors';
import { KeyEncryptionKey } from './key-encryption-keys';

/**
 * Envelope encryption with AES-256-GCM, Node's own (node:crypto). A subject's data key (32 random
 * bytes) seals every value stored about the subject; a key-encryption key (KEK) from the
 * configuration wraps the data key. Nonces are random, 96 bits: a data key seals a few values per
 * event of one person, and a KEK wraps one key per person, far below the 2^32 uses per key that
 * random nonces allow.
 */
const formatVersion = 1;
const nonceBytes = 12;
const tagBytes = 16;
const dataKeyBytes = 32;

/** A fresh data key for one subject. */
export function newDataKey(): Buffer {
  return randomBytes(dataKeyBytes);
}

/**
 * `version | nonce | tag | wrapped key`. The KEK id and the subject are authenticated with it, so a
 * wrapped key copied onto another subject's row, or recorded under another KEK id, does not open.
 */
export function wrapDataKey(kek: KeyEncryptionKey, subject: string, dataKey: Buffer): Buffer {
  return Buffer.concat([Buffer.of(formatVersion), encrypt(kek.key, dataKey, wrappingContext(kek.id, subject))]);
}

export function unwrapDataKey(kek: KeyEncryptionKey, subject: string, wrapped: Buffer): Buffer {
  const dataKey = wrapped[0] === formatVersion ? decrypt(kek.key, wrapped.subarray(1), wrappingContext(kek.id, subject)) : undefined;
  if (dataKey === undefined || dataKey.length !== dataKeyBytes) {
    throw new PlatformError(
      `the data key of ${subject} does not open with key-encryption key "${kek.id}": PERSONAL_DATA_KEYS lists another key under that id, or the stored key was altered`,
      { code: 'personal_data.unreadable', category: 'transient', details: { keyEncryptionKey: kek.id } },
    );
  }
  return dataKey;
}

/**
 * A sealed value: `version | subject length (2 bytes) | subject | nonce | tag | ciphertext`. It
 * names its data key (the subject's), and that header is authenticated with the text.
 */
export function sealWithDataKey(dataKey: Buffer, subject: string, plaintext: string | Buffer): Buffer {
  const header = sealedHeader(subject);
  return Buffer.concat([header, encrypt(dataKey, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, header)]);
}

export function openWithDataKey(dataKey: Buffer, sealed: Buffer): string {
  return openBytesWithDataKey(dataKey, sealed).toString('utf8');
}

/** For what was sealed as bytes (a webhook body), byte for byte. */
export function openBytesWithDataKey(dataKey: Buffer, sealed: Buffer): Buffer {
  const subject = subjectOfSealed(sealed);
  const headerLength = 3 + Buffer.byteLength(subject, 'utf8');
  const plaintext = decrypt(dataKey, sealed.subarray(headerLength), sealed.subarray(0, headerLength));
  if (plaintext === undefined) {
    throw new PlatformError(`a sealed value of ${subject} does not open with its data key: it was altered`, {
      code: 'personal_data.unreadable',
      category: 'transient',
    });
  }
  return plaintext;
}

/** Which subject's data key sealed the value. */
export function subjectOfSealed(sealed: Buffer): string {
  const length = sealed.length >= 3 ? sealed.readUInt16BE(1) : 0;
  if (sealed[0] !== formatVersion || length === 0 || sealed.length < 3 + length + nonceBytes + tagBytes) {
    throw new PlatformError('a stored value is not sealed personal data of a known format', {
      code: 'personal_data.unreadable',
      category: 'transient',
    });
  }
  return sealed.subarray(3, 3 + length).toString('utf8');
}

function sealedHeader(subject: string): Buffer {
  const name = Buffer.from(subject, 'utf8');
  if (name.length === 0 || name.length > 0xffff) throw new Error(`a subject must be 1 to 65535 bytes, got ${name.length}`);
  const header = Buffer.alloc(3);
  header[0] = formatVersion;
  header.writeUInt16BE(name.length, 1);
  return Buffer.concat([header, name]);
}

function wrappingContext(kekId: string, subject: string): Buffer {
  return Buffer.from(`personal-data-key\u0000${kekId}\u0000${subject}`, 'utf8');
}

/** `nonce | tag | ciphertext` */
function encrypt(key: Buffer, plaintext: Buffer, associatedData: Buffer): Buffer {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes });
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
}

/** undefined when the tag does not verify: a wrong key, or altered bytes. */
function decrypt(key: Buffer, sealed: Buffer, associatedData: Buffer): Buffer | undefined {
  if (sealed.length < nonceBytes + tagBytes) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, nonceBytes), { authTagLength: tagBytes });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(nonceBytes, nonceBytes + tagBytes));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(nonceBytes + tagBytes)), decipher.final()]);
  } catch {
    return undefined;
  }
}
