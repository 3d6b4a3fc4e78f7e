import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestHandler } from 'express';
import { list, Setting } from '@consign/config';
import { PlatformError } from '@consign/errors';

/** The development admin key, accepted only outside production (README: local development defaults). */
export const developmentAdminKey = 'dev-admin-key';

/** SHA-256 of an API key, hex: what the configuration stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares the presented key's hash with every stored hash in constant time. */
export function apiKeyMatches(presented: string | undefined, storedHashes: readonly string[]): boolean {
  if (!presented) return false;
  const candidate = Buffer.from(hashApiKey(presented), 'hex');
  let matched = false;
  for (const stored of storedHashes) {
    const hash = Buffer.from(stored, 'hex');
    matched = (hash.length === candidate.length && timingSafeEqual(hash, candidate)) || matched;
  }
  return matched;
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key`. */
export function presentedApiKey(header: (name: string) => string | undefined): string | undefined {
  return header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1] ?? header('x-api-key');
}

/** Refuses a request without a valid admin API key (401 problem). */
export function requireApiKey(storedHashes: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (!apiKeyMatches(presentedApiKey((name) => req.header(name)), storedHashes)) {
      next(new PlatformError('a valid API key is required (Authorization: Bearer <key> or X-Api-Key)', { code: 'admin.unauthorized', category: 'unauthorized' }));
      return;
    }
    next();
  };
}

/** ADMIN_API_KEY_HASHES: hashes of the keys the admin endpoints accept; outside production the development key by default. */
export function adminApiKeyHashesSetting(nodeEnv = process.env.NODE_ENV): Setting<string[]> {
  return list('ADMIN_API_KEY_HASHES', nodeEnv === 'production' ? undefined : [hashApiKey(developmentAdminKey)]);
}
