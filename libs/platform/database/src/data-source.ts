import { DataSource, MixedList } from 'typeorm';
import { DatabaseTls, tlsConnectionOptions, TlsConnectionOptions } from '@consign/config';
import { PlatformError } from '@consign/errors';

export interface ServiceDatabaseOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** How the connection is protected (`<APP>_DATABASE_TLS*`); no default, so no caller falls back to plain TCP unawares. */
  tls: DatabaseTls;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Distinguishes this service's connections in pg_stat_activity. */
  applicationName: string;
  poolSize?: number;
  /**
   * How long a connection may sit idle before the pool closes it (default 10 s); 0 keeps it. A
   * service that answers in milliseconds after a quiet spell keeps its connections: opening one
   * costs PostgreSQL a process and the service its prepared statements.
   */
  idleTimeoutMs?: number;
  /**
   * `false` lets commits return before the WAL is flushed. Only for records whose loss on a
   * database crash costs a repeat, never an accepted event; a transaction that must be durable
   * sets `SET LOCAL synchronous_commit = on`. Applied by `migrate`, as the service role's default
   * in its database (`ALTER ROLE … IN DATABASE … SET`), which PostgreSQL gives every session it
   * starts: no startup parameter (a transaction-pooling PgBouncer refuses `options`) and no round
   * trip. `true` removes that default; unset leaves the server's setting alone.
   */
  synchronousCommit?: boolean;
}

/**
 * A service's own database, read and written with plain SQL: TypeORM is the pool and the migration
 * runner, with no entities. The schema is changed only by migrations, so every deployment applies
 * the same reviewed steps.
 */
export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    applicationName: options.applicationName,
    ssl: postgresSsl(options.tls),
    extra: {
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    },
  });
  if (options.synchronousCommit !== undefined) synchronousCommitOf.set(dataSource, options.synchronousCommit);
  return dataSource;
}

/** The commit mode each data source asked for, which `migrateDatabase` makes the role's default. */
const synchronousCommitOf = new WeakMap<DataSource, boolean>();

/** What node-postgres' `ssl` option takes, in the terms both pg's and TypeORM's types accept. */
export type PostgresSsl = TlsConnectionOptions;

/**
 * node-postgres' `ssl` option for a TLS mode. Always a value, never undefined: node-postgres would
 * otherwise take PGSSLMODE from the environment.
 */
export function postgresSsl(tls: DatabaseTls): PostgresSsl {
  return tlsConnectionOptions(tls);
}

/** Applies pending migrations, then the data source's commit mode, and reports the migrations' names. */
export async function migrateDatabase(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  const synchronousCommit = synchronousCommitOf.get(dataSource);
  if (synchronousCommit !== undefined) {
    // For the connecting role in this database only: other databases on the server, and other
    // roles in this one (an operator's), keep theirs. Sessions started from now on get it.
    const change = synchronousCommit ? 'RESET synchronous_commit' : 'SET synchronous_commit = off';
    await dataSource.query(`DO $$ BEGIN EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I ${change}', current_database()); END $$`);
  }
  return applied.map((migration) => migration.name);
}

/** The `migrate` command of every service: apply, report, close. */
export async function runMigrationCommand(dataSource: DataSource, logger: { info(fields: object, message: string): void }): Promise<void> {
  const applied = await migrateDatabase(dataSource);
  logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  await dataSource.destroy();
}

export async function checkDatabase(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) throw new Error('database connection is not initialised');
  await dataSource.query('SELECT 1');
}

const outageCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  // A server certificate the client refuses (a rotation to an unknown CA, an expiry) fails every
  // connection alike: the database is unusable, no event is to blame.
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/** PostgreSQL unreachable or shutting down is an outage of a dependency, not a bad event. */
export function isDatabaseOutage(error: unknown): boolean {
  const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
  if (code && outageCodes.has(code)) return true;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|server does not support SSL/i.test(
    (error as Error).message ?? '',
  );
}

/** How a consumer tells a PostgreSQL outage from a bad event, and how it knows the database is back. */
export function postgresOutagePolicy(dataSource: DataSource): {
  classify: (error: unknown) => PlatformError | undefined;
  check: () => Promise<void>;
} {
  return {
    classify: (error) =>
      isDatabaseOutage(error)
        ? new PlatformError(`database unavailable: ${(error as Error).message}`, {
            code: 'database.unavailable',
            category: 'dependency',
            cause: error,
          })
        : undefined,
    check: () => checkDatabase(dataSource),
  };
}
