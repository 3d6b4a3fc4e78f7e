import { loadConfig } from '@consign/config';
import { apiKeysSetting, developmentAdminKey, grants, hashApiKey } from './api-key';

const entry = (name: string, key: string, scopes: string[] = ['read']) => ({ name, sha256: hashApiKey(key), scopes });
const load = (env: NodeJS.ProcessEnv, keys?: unknown) =>
  loadConfig({ keys: apiKeysSetting(env) }, keys === undefined ? {} : { API_KEYS: JSON.stringify(keys) }).keys;

describe('API keys', () => {
  it('are stored as SHA-256 hex, never as the key', () => {
    expect(hashApiKey('first-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(entry('alice', 'first-key'))).not.toContain('first-key');
  });

  it('identify the key presented, by name, and nothing else', () => {
    const keyring = load({}, [entry('alice', 'first-key'), entry('bob', 'second-key', ['admin'])]);
    expect(keyring.identify('first-key')?.name).toBe('alice');
    expect(keyring.identify('second-key')?.name).toBe('bob');
    expect(keyring.identify('first-keY')).toBeUndefined();
    expect(keyring.identify('')).toBeUndefined();
    expect(keyring.identify(undefined)).toBeUndefined();
    expect(keyring.identify(hashApiKey('first-key'))).toBeUndefined();
  });

  it('grant a scope everywhere, or on one app when named after it', () => {
    const key = { name: 'k', sha256: hashApiKey('k'), scopes: ['read', 'admin:earnings-service'] };
    expect(grants(key, 'read', 'inventory-service')).toBe(true);
    expect(grants(key, 'admin', 'earnings-service')).toBe(true);
    expect(grants(key, 'admin', 'inventory-service')).toBe(false);
    expect(grants(key, 'metrics', 'earnings-service')).toBe(false);
  });

  it('default to the development key, with every scope, in development only', () => {
    const keyring = load({ NODE_ENV: 'development' });
    expect(keyring.identify(developmentAdminKey)).toMatchObject({ name: 'developer', scopes: ['read', 'admin', 'metrics'] });
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'prod' }, { NODE_ENV: 'Production' }, { NODE_ENV: 'test' }]) {
      expect(() => load(env)).toThrow('API_KEYS: is required but not set');
    }
  });

  it("refuse the development key's hash outside development, naming the variable", () => {
    expect(() => load({ NODE_ENV: 'prod' }, [entry('ops', developmentAdminKey, ['admin'])])).toThrow(
      'API_KEYS: key #0 (ops): is the public development key',
    );
    expect(load({ NODE_ENV: 'development' }, [entry('ops', developmentAdminKey, ['admin'])]).identify(developmentAdminKey)?.name).toBe(
      'ops',
    );
  });

  it.each([
    [[], 'must be a non-empty JSON array'],
    [[{ ...entry('alice', 'k'), sha256: 'zz' }], 'key #0 (alice): sha256 must be 64 hex digits'],
    [[{ ...entry('alice', 'k'), sha256: `${hashApiKey('k')}00` }], 'key #0 (alice): sha256 must be 64 hex digits'],
    [[{ ...entry('alice', 'k'), name: 'alice smith' }], 'key #0: name must be'],
    [[entry('alice', 'k'), entry('alice', 'j')], 'key #1 (alice): the name is used twice'],
    [[entry('alice', 'k'), entry('bob', 'k')], 'key #1 (bob): the same key is listed twice'],
    [[entry('alice', 'k', [])], 'key #0 (alice): scopes must be a non-empty list'],
    [[entry('alice', 'k', ['superuser'])], 'key #0 (alice): scopes must be a non-empty list'],
  ])('refuse %j', (keys, message) => {
    expect(() => load({}, keys)).toThrow(`API_KEYS: ${message}`);
  });

  it('never echo a hash in a refusal', () => {
    const hash = hashApiKey('first-key');
    expect(() => load({}, [{ name: 'alice', sha256: hash, scopes: ['root'] }])).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(hash) }),
    );
  });
});
