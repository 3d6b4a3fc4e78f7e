import { randomBytes } from 'node:crypto';
import {
  newDataKey,
  openBytesWithDataKey,
  openWithDataKey,
  sealWithDataKey,
  subjectOfSealed,
  unwrapDataKey,
  wrapDataKey,
} from './envelope';

const kek = { id: '2026-12', key: randomBytes(32) };

describe('envelope encryption (AES-256-GCM)', () => {
  it('seals a value that names its subject and opens to the same text, never twice the same bytes', () => {
    const dataKey = newDataKey();
    const sealed = sealWithDataKey(dataKey, 'clerk-user:user_1', 'Ada Lovelace <ada@example.org> ✓');
    expect(subjectOfSealed(sealed)).toBe('clerk-user:user_1');
    expect(sealed.includes(Buffer.from('Ada'))).toBe(false);
    expect(openWithDataKey(dataKey, sealed)).toBe('Ada Lovelace <ada@example.org> ✓');
    expect(sealWithDataKey(dataKey, 'clerk-user:user_1', 'Ada Lovelace <ada@example.org> ✓').equals(sealed)).toBe(false);
  });

  it('seals bytes that are not UTF-8 (a webhook body as received) and opens them byte for byte', () => {
    const dataKey = newDataKey();
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.of(0xff, 0xfe, 0xc3), Buffer.from('"}')]);
    const sealed = sealWithDataKey(dataKey, 'shopify-store:s-1', body);
    expect(sealed.includes(Buffer.from('"name"'))).toBe(false);
    expect(openBytesWithDataKey(dataKey, sealed).equals(body)).toBe(true);
  });

  it('refuses a sealed value with any byte flipped, header, nonce, tag or text', () => {
    const dataKey = newDataKey();
    const sealed = sealWithDataKey(dataKey, 'consignor:c-1', 'ada@example.org');
    for (let index = 0; index < sealed.length; index += 1) {
      const tampered = Buffer.from(sealed);
      tampered[index] ^= 0x01;
      expect(() => openWithDataKey(dataKey, tampered)).toThrow(expect.objectContaining({ code: 'personal_data.unreadable' }));
    }
  });

  it('refuses a value sealed under another data key, and bytes that are no sealed value', () => {
    const sealed = sealWithDataKey(newDataKey(), 'consignor:c-1', 'ada@example.org');
    expect(() => openWithDataKey(newDataKey(), sealed)).toThrow('does not open with its data key');
    for (const bytes of [Buffer.alloc(0), Buffer.from('ada@example.org'), sealed.subarray(0, 20)]) {
      expect(() => subjectOfSealed(bytes)).toThrow(expect.objectContaining({ code: 'personal_data.unreadable' }));
    }
  });

  it('wraps a data key under a KEK and unwraps it only with that KEK, for that subject', () => {
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(kek, 'clerk-user:user_1', dataKey);
    expect(unwrapDataKey(kek, 'clerk-user:user_1', wrapped).equals(dataKey)).toBe(true);
    const wrongKey = { id: kek.id, key: randomBytes(32) };
    expect(() => unwrapDataKey(wrongKey, 'clerk-user:user_1', wrapped)).toThrow(
      'the data key of clerk-user:user_1 does not open with key-encryption key "2026-12": PERSONAL_DATA_KEYS lists another key under that id, or the stored key was altered',
    );
    expect(() => unwrapDataKey(kek, 'clerk-user:user_2', wrapped)).toThrow(expect.objectContaining({ code: 'personal_data.unreadable' }));
    expect(() => unwrapDataKey({ ...kek, id: '2027-01' }, 'clerk-user:user_1', wrapped)).toThrow(
      expect.objectContaining({ code: 'personal_data.unreadable' }),
    );
    const flipped = Buffer.from(wrapped);
    flipped[flipped.length - 1] ^= 0x80;
    expect(() => unwrapDataKey(kek, 'clerk-user:user_1', flipped)).toThrow(expect.objectContaining({ code: 'personal_data.unreadable' }));
  });
});
