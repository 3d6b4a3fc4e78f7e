/**
 * Development behaviour (the development tenant, the development key, local defaults) exists only
 * when it is asked for by name: `NODE_ENV=development`, which `npm start` and the tests set.
 * Anything else, unset, `prod`, `Production` or `test` included, is production, so a mistyped or
 * forgotten variable fails closed instead of opening the development secrets.
 */
export function isDevelopment(env: NodeJS.ProcessEnv): boolean {
  return env.NODE_ENV === 'development';
}

/** A local-infrastructure default that holds in development only: production names every endpoint. */
export function developmentDefault<T>(env: NodeJS.ProcessEnv, value: T): T | undefined {
  return isDevelopment(env) ? value : undefined;
}
