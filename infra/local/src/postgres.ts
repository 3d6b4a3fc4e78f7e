import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

import { Client } from 'pg';

import { databaseNames } from './databases';
import { errorCode, errorMessage, InfraError, readTextIfExists, sleep, type Logger } from './util';

export interface PostgresConfig {
  /** Admin connection (maintenance database `postgres`). */
  adminUrl: string;
  host: string;
  port: number;
  user: string;
  password: string | undefined;
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function resolvePostgres(env: NodeJS.ProcessEnv = process.env): PostgresConfig {
  const adminEnv = env['POSTGRES_ADMIN_URL']?.trim();
  if (adminEnv) {
    let url: URL;
    try {
      url = new URL(adminEnv);
    } catch {
      throw new InfraError(`POSTGRES_ADMIN_URL is not a URL: ${adminEnv} (expected postgresql://user[:password]@host:port/postgres)`);
    }
    return {
      adminUrl: adminEnv,
      host: url.hostname || '127.0.0.1',
      port: Number(url.port || '5432'),
      user: decodeURIComponent(url.username) || 'postgres',
      password: url.password ? decodeURIComponent(url.password) : undefined,
    };
  }
  const host = env['PGHOST'] || '127.0.0.1';
  const port = Number(env['PGPORT'] || '5432');
  const user = env['PGUSER'] || 'postgres';
  const password = env['PGPASSWORD'] || undefined;
  return { adminUrl: databaseUrl({ host, port, user, password }, 'postgres'), host, port, user, password };
}

export function databaseUrl(cfg: Pick<PostgresConfig, 'host' | 'port' | 'user' | 'password'>, database: string): string {
  const auth = cfg.password ? `${encodeURIComponent(cfg.user)}:${encodeURIComponent(cfg.password)}` : encodeURIComponent(cfg.user);
  const host = cfg.host.includes(':') && !cfg.host.startsWith('[') ? `[${cfg.host}]` : cfg.host;
  return `postgresql://${auth}@${host}:${cfg.port}/${database}`;
}

/** Same URL as `url` but pointing at another database (keeps credentials and query string). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

async function tryConnect(cfg: PostgresConfig): Promise<{ ok: true } | { ok: false; code: string | undefined; message: string }> {
  const client = new Client({ connectionString: cfg.adminUrl, connectionTimeoutMillis: 3000 });
  // Errors after connect (e.g. server shutting down) must not crash the caller.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, code: errorCode(err), message: errorMessage(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function isPostgresHealthy(cfg: PostgresConfig): Promise<boolean> {
  return (await tryConnect(cfg)).ok;
}

interface Cluster {
  version: string;
  cluster: string;
  port: number;
}

/** Debian's clusters (/etc/postgresql/<version>/<cluster>) with the port each is configured for. */
function installedClusters(): Cluster[] {
  let versions: string[];
  try {
    versions = fs.readdirSync('/etc/postgresql');
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .flatMap((version) => {
      let clusters: string[];
      try {
        clusters = fs.readdirSync(`/etc/postgresql/${version}`);
      } catch {
        return [];
      }
      return clusters.flatMap((cluster) => {
        const conf = readTextIfExists(`/etc/postgresql/${version}/${cluster}/postgresql.conf`);
        if (conf === undefined) return [];
        const port = Number(conf.match(/^\s*port\s*=\s*(\d+)/m)?.[1] ?? '5432');
        return [{ version, cluster, port }];
      });
    });
}

function startCluster(version: string, cluster: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('pg_ctlcluster', ['--skip-systemctl-redirect', version, cluster, 'start'], { timeout: 60_000 }, (err, _stdout, stderr) => {
      // Exit code 2 means "already running", which is fine.
      if (err && !(typeof err.code === 'number' && err.code === 2)) {
        reject(new InfraError(`pg_ctlcluster ${version} ${cluster} start failed: ${stderr.trim() || err.message}`));
      } else {
        resolve();
      }
    });
  });
}

const CONNECTION_REFUSED = new Set(['ECONNREFUSED', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Makes sure the machine's PostgreSQL answers, starting an installed but stopped
 * Debian cluster if needed. Never installs or stops anything.
 */
export async function ensurePostgres(cfg: PostgresConfig, log: Logger): Promise<'running' | 'started'> {
  const first = await tryConnect(cfg);
  if (first.ok) return 'running';
  const where = `${cfg.host}:${cfg.port}`;
  const refused = CONNECTION_REFUSED.has(first.code ?? '') || /timeout|ECONNREFUSED/i.test(first.message);
  if (!refused) {
    throw new InfraError(
      `PostgreSQL at ${where} answered but refused us: ${first.message}. ` +
        'Set POSTGRES_ADMIN_URL=postgresql://USER:PASSWORD@HOST:PORT/postgres (a user allowed to CREATE DATABASE), ' +
        'or PGUSER/PGPASSWORD.',
    );
  }
  if (!LOCAL.has(cfg.host)) {
    throw new InfraError(`PostgreSQL at ${where} is not reachable (${first.message}).`);
  }
  const clusters = installedClusters();
  if (clusters.length === 0) {
    throw new InfraError(
      `PostgreSQL is not reachable at ${where} and none is installed (/etc/postgresql is empty). ` +
        'Install it: `apt-get install -y postgresql` (then allow local connections, e.g. trust auth for 127.0.0.1 in pg_hba.conf), ' +
        'or point POSTGRES_ADMIN_URL / PGHOST / PGPORT at a server you have.',
    );
  }
  const target = clusters.find((c) => c.port === cfg.port);
  if (!target) {
    const list = clusters.map((c) => `${c.version}/${c.cluster} on port ${c.port}`).join(', ');
    throw new InfraError(
      `PostgreSQL is not reachable at ${where}, and no installed cluster uses port ${cfg.port} (found: ${list}). ` +
        'Set PGPORT (or POSTGRES_ADMIN_URL) to the port of the cluster you want.',
    );
  }
  log(`PostgreSQL not reachable at ${where}; starting cluster ${target.version}/${target.cluster} with pg_ctlcluster`);
  await startCluster(target.version, target.cluster);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const attempt = await tryConnect(cfg);
    if (attempt.ok) return 'started';
    if (Date.now() > deadline) {
      throw new InfraError(
        `started PostgreSQL ${target.version}/${target.cluster} but ${where} still does not answer (${attempt.message}). ` +
          `Check /var/log/postgresql/postgresql-${target.version}-${target.cluster}.log and the port in ` +
          `/etc/postgresql/${target.version}/${target.cluster}/postgresql.conf (or set PGPORT).`,
      );
    }
    await sleep(500);
  }
}

/** Creates the missing databases; returns the ones it created. */
export async function ensureDatabases(cfg: PostgresConfig, names: string[] = databaseNames()): Promise<string[]> {
  const client = new Client({ connectionString: cfg.adminUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const existing = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    const have = new Set(existing.rows.map((r) => r.datname));
    const created: string[] = [];
    for (const name of names) {
      if (have.has(name)) continue;
      try {
        // Names are validated identifiers (databases.ts); CREATE DATABASE cannot take parameters.
        await client.query(`CREATE DATABASE "${name}"`);
        created.push(name);
      } catch (err) {
        // 42P04 duplicate_database / 23505: another `up` created it concurrently.
        if (errorCode(err) !== '42P04' && errorCode(err) !== '23505') {
          throw new InfraError(`could not create database ${name}: ${errorMessage(err)}`);
        }
      }
    }
    return created;
  } finally {
    await client.end().catch(() => undefined);
  }
}
