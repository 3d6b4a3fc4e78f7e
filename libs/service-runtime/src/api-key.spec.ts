import { loadConfig } from '@consign/config';
import { adminApiKeyHashesSetting, apiKeyMatches, hashApiKey } from './api-key';

describe('admin API keys', () => {
  const stored = [hashApiKey('first-key'), hashApiKey('second-key')];

  it('are stored as SHA-256 hex, never as the key', () => {
    expect(hashApiKey('first-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.join()).not.toContain('first-key');
  });

  it('accept any stored key and refuse others', () => {
    expect(apiKeyMatches('first-key', stored)).toBe(true);
    expect(apiKeyMatches('second-key', stored)).toBe(true);
    expect(apiKeyMatches('first-keY', stored)).toBe(false);
    expect(apiKeyMatches('', stored)).toBe(false);
    expect(apiKeyMatches(undefined, stored)).toBe(false);
    expect(apiKeyMatches(stored[0], stored)).toBe(false);
  });

  it('ignore malformed stored hashes instead of matching them', () => {
    expect(apiKeyMatches('first-key', ['not-hex'])).toBe(false);
  });

  it('default to the development key outside production only', () => {
    expect(apiKeyMatches('dev-admin-key', loadConfig({ hashes: adminApiKeyHashesSetting('development') }, {}).hashes)).toBe(true);
    expect(() => loadConfig({ hashes: adminApiKeyHashesSetting('production') }, {})).toThrow('ADMIN_API_KEY_HASHES');
  });
});
