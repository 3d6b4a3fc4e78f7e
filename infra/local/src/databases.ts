import { InfraError } from './util';

/** Every database the platform needs, one per service plus Apicurio's storage. */
export const DATABASES = [
  'consign_gateway',
  'consign_inventory',
  'consign_earnings',
  'consign_consignor',
  'consign_notification',
  'consign_reconciler',
  'consign_registry',
] as const;

export type DatabaseName = (typeof DATABASES)[number];

/** Apicurio Registry keeps its schemas here. */
export const REGISTRY_DATABASE: DatabaseName = 'consign_registry';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * DATABASES plus the comma-separated INFRA_EXTRA_DATABASES (used by tests to get
 * throwaway databases). Names are restricted to plain lower-case identifiers so
 * they can be interpolated into CREATE DATABASE safely.
 */
export function databaseNames(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env['INFRA_EXTRA_DATABASES'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  for (const name of extra) {
    if (!IDENTIFIER.test(name)) {
      throw new InfraError(
        `INFRA_EXTRA_DATABASES: "${name}" is not a valid database name (lower-case letters, digits and _ only, not starting with a digit)`,
      );
    }
  }
  return [...new Set<string>([...DATABASES, ...extra])];
}

/** The init script of infra/docker (postgres image), generated from DATABASES. */
export function dockerInitSql(): string {
  const lines = DATABASES.map((name) => `CREATE DATABASE "${name}";`);
  return (
    '-- Generated from infra/local/src/databases.ts by\n' +
    '--   npx tsx infra/local/src/cli.ts gen-docker-init\n' +
    '-- Do not edit by hand. Runs once, when the postgres volume is created.\n' +
    `${lines.join('\n')}\n`
  );
}
