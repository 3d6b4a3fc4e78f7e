import { inspect } from 'node:util';
import { loadConfig } from '@consign/config';
import { openTenantSecrets, sealTenantSecrets, secretFingerprint, TenantSecretsKeys, tenantSecretsKeysSetting } from './tenant-secrets';

const key = (byte: number) => Buffer.alloc(32, byte);
const secrets = { shopifyWebhookSecrets: ['shpss_new', 'shpss_old'], clerkSigningSecrets: ['whsec_c2lnbmluZw=='] };

describe('tenant secrets sealing', () => {
  const keys = new TenantSecretsKeys([
    { id: 'k2', key: key(2) },
    { id: 'k1', key: key(1) },
  ]);

  it('opens what it sealed, under the current key, and the sealed bytes do not show the secrets', () => {
    const sealed = sealTenantSecrets(keys, 'acme', secrets);
    expect(sealed.keyId).toBe('k2');
    expect(sealed.sealed.toString('latin1')).not.toContain('shpss_new');
    expect(openTenantSecrets(keys, 'acme', sealed)).toEqual(secrets);
  });

  it('opens with a previous key while the keys still list it', () => {
    const sealedEarlier = sealTenantSecrets(new TenantSecretsKeys([{ id: 'k1', key: key(1) }]), 'acme', secrets);
    expect(openTenantSecrets(keys, 'acme', sealedEarlier)).toEqual(secrets);
  });

  it.each([
    ['a key that is not listed', new TenantSecretsKeys([{ id: 'k3', key: key(3) }]), 'acme', /does not list key "k2"/],
    [
      'another key under the same id',
      new TenantSecretsKeys([{ id: 'k2', key: key(9) }]),
      'acme',
      /key "k2" is not the key that sealed them/,
    ],
    ['the secrets of another tenant', keys, 'other', /key "k2" is not the key that sealed them/],
  ])('refuses to open with %s', (_name, otherKeys, tenantId, message) => {
    const sealed = sealTenantSecrets(keys, 'acme', secrets);
    expect(() => openTenantSecrets(otherKeys, tenantId, sealed)).toThrow(
      expect.objectContaining({ code: 'tenant.secrets_unreadable', message: expect.stringMatching(message) }),
    );
  });

  it('refuses altered bytes', () => {
    const sealed = sealTenantSecrets(keys, 'acme', secrets);
    const altered = Buffer.from(sealed.sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => openTenantSecrets(keys, 'acme', { keyId: 'k2', sealed: altered })).toThrow(
      expect.objectContaining({ code: 'tenant.secrets_unreadable' }),
    );
  });

  it('fingerprints a secret without giving it away', () => {
    expect(secretFingerprint('shpss_new')).toMatch(/^[0-9a-f]{12}$/);
    expect(secretFingerprint('shpss_new')).not.toBe(secretFingerprint('shpss_old'));
  });
});

describe('TENANT_SECRETS_KEYS', () => {
  const own = Buffer.alloc(32, 7).toString('base64');

  it('is required outside development and shows only key ids when logged', () => {
    expect(() => loadConfig({ keys: tenantSecretsKeysSetting({ NODE_ENV: 'production' }) }, {})).toThrow(
      'TENANT_SECRETS_KEYS: is required but not set',
    );
    const { keys } = loadConfig(
      { keys: tenantSecretsKeysSetting({ NODE_ENV: 'production' }) },
      { TENANT_SECRETS_KEYS: JSON.stringify([{ id: 'prod-1', key: own }]) },
    );
    expect(keys.current.id).toBe('prod-1');
    expect(inspect(keys)).not.toContain(own);
    expect(JSON.stringify(keys)).toBe('{"current":"prod-1","ids":["prod-1"]}');
  });

  it('defaults to the public development key in development only, and refuses it elsewhere', () => {
    const development = loadConfig({ keys: tenantSecretsKeysSetting({ NODE_ENV: 'development' }) }, {}).keys;
    expect(development.current.id).toBe('development');
    const developmentKey = (development.find('development') as Buffer).toString('base64');
    expect(() =>
      loadConfig({ keys: tenantSecretsKeysSetting({}) }, { TENANT_SECRETS_KEYS: JSON.stringify([{ id: 'x', key: developmentKey }]) }),
    ).toThrow('TENANT_SECRETS_KEYS: key #0 (x): is the public development tenant secrets key');
  });

  it.each([
    [[], 'must be a non-empty JSON array'],
    [[{ id: 'bad id', key: own }], 'key #0: id must be 1 to 64'],
    [[{ id: 'a', key: 'c2hvcnQ=' }], 'key #0 (a): key must be the base64 of exactly 32 bytes'],
    [
      [
        { id: 'a', key: own },
        { id: 'a', key: Buffer.alloc(32, 8).toString('base64') },
      ],
      'key #1 (a): the id is used twice',
    ],
    [
      [
        { id: 'a', key: own },
        { id: 'b', key: own },
      ],
      'key #1 (b): the same key is listed twice',
    ],
  ])('refuses %j', (value, message) => {
    expect(() => loadConfig({ keys: tenantSecretsKeysSetting({}) }, { TENANT_SECRETS_KEYS: JSON.stringify(value) })).toThrow(message);
  });
});
