import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestHandler, Response } from 'express';
import { isDevelopment, json, Setting } from '@consign/config';
import { PlatformError } from '@consign/errors';

/** The development key, granted every scope only when development is asked for (NODE_ENV=development). */
export const developmentAdminKey = 'dev-admin-key';

/**
 * What a key may do: `read` the projections (personal data included), `admin` (change state:
 * consumers, replays, repairs), `metrics` (scrape /metrics). A scope alone holds for every app;
 * `read:earnings-service` holds for that app only.
 */
export const apiScopes = ['read', 'admin', 'metrics'] as const;
export type ApiScope = (typeof apiScopes)[number];

export interface ApiKey {
  /** Who holds the key; the audit identity of every call made with it. */
  readonly name: string;
  /** SHA-256 of the key, lower-case hex: the configuration never holds the key itself. */
  readonly sha256: string;
  readonly scopes: readonly string[];
}

/** SHA-256 of an API key, hex: what the configuration stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The configured keys: finds the one a request presents and says what it may do. */
export class ApiKeyring {
  private readonly hashes: Buffer[];

  constructor(readonly keys: readonly ApiKey[]) {
    this.hashes = keys.map((key) => Buffer.from(key.sha256, 'hex'));
  }

  /** The key whose hash matches, compared with every stored hash in constant time. */
  identify(presented: string | undefined): ApiKey | undefined {
    if (!presented) return undefined;
    const candidate = Buffer.from(hashApiKey(presented), 'hex');
    let found: ApiKey | undefined;
    this.hashes.forEach((hash, index) => {
      if (timingSafeEqual(hash, candidate)) found = this.keys[index];
    });
    return found;
  }
}

export function grants(key: ApiKey, scope: ApiScope, service: string): boolean {
  return key.scopes.includes(scope) || key.scopes.includes(`${scope}:${service}`);
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key`. */
export function presentedApiKey(header: (name: string) => string | undefined): string | undefined {
  return header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1] ?? header('x-api-key');
}

/**
 * Refuses a request without a known key (401) or whose key lacks `scope` on this service (403).
 * The key's name becomes the request's audit identity (`callerOf`).
 */
export function requireScope(keyring: ApiKeyring, scope: ApiScope, service: string): RequestHandler {
  return (req, res, next) => {
    const key = keyring.identify(presentedApiKey((name) => req.header(name)));
    if (!key) {
      next(
        new PlatformError('a valid API key is required (Authorization: Bearer <key> or X-Api-Key)', {
          code: 'api.unauthorized',
          category: 'unauthorized',
        }),
      );
      return;
    }
    res.locals.caller = key.name;
    if (!grants(key, scope, service)) {
      next(
        new PlatformError(`the key "${key.name}" does not have the ${scope} scope on ${service}`, {
          code: 'api.forbidden',
          category: 'unauthorized',
          httpStatus: 403,
          details: { scope },
        }),
      );
      return;
    }
    next();
  };
}

/** The audit identity of an authenticated request: the name of the key it presented. */
export function callerOf(res: Response): string {
  const caller = res.locals.caller as string | undefined;
  if (caller === undefined) throw new Error('callerOf needs a request that passed requireScope');
  return `api-key:${caller}`;
}

const developmentKeys: readonly ApiKey[] = [{ name: 'developer', sha256: hashApiKey(developmentAdminKey), scopes: [...apiScopes] }];

/**
 * API_KEYS: a JSON array of `{ "name", "sha256", "scopes" }`. In development it defaults to the
 * development key; anywhere else it is required, and the development key's hash is refused.
 */
export function apiKeysSetting(env: NodeJS.ProcessEnv): Setting<ApiKeyring> {
  const development = isDevelopment(env);
  const setting = json(
    'API_KEYS',
    (value) => parseApiKeys(value, { allowDevelopmentKey: development }),
    development ? () => [...developmentKeys] : undefined,
  );
  return { variable: setting.variable, parse: (raw) => new ApiKeyring(setting.parse(raw)) };
}

const scopePattern = new RegExp(`^(${apiScopes.join('|')})(:[a-z][a-z0-9-]*)?$`);

/** Validates API_KEYS; every reason names the entry, never a hash. */
export function parseApiKeys(value: unknown, options: { allowDevelopmentKey: boolean }): ApiKey[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty JSON array of { "name", "sha256", "scopes" }');
  const names = new Set<string>();
  const hashes = new Set<string>();
  return value.map((entry: unknown, index) => {
    const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = record.name;
    if (typeof name !== 'string' || !/^[\w.@-]{1,64}$/.test(name))
      throw new Error(`key #${index}: name must be 1 to 64 letters, digits, or . _ @ -`);
    const where = `key #${index} (${name})`;
    if (names.has(name)) throw new Error(`${where}: the name is used twice`);
    names.add(name);
    const sha256 = record.sha256;
    if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256))
      throw new Error(`${where}: sha256 must be 64 hex digits, the SHA-256 of the key`);
    const hash = sha256.toLowerCase();
    if (!options.allowDevelopmentKey && hash === developmentKeys[0].sha256)
      throw new Error(`${where}: is the public development key, which only development accepts`);
    if (hashes.has(hash)) throw new Error(`${where}: the same key is listed twice`);
    hashes.add(hash);
    const scopes = record.scopes;
    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((scope) => typeof scope !== 'string' || !scopePattern.test(scope))) {
      throw new Error(`${where}: scopes must be a non-empty list of ${apiScopes.join(', ')}, each optionally as <scope>:<app>`);
    }
    return { name, sha256: hash, scopes: scopes as string[] };
  });
}
