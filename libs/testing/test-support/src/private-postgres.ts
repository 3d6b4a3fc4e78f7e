import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './service-process';

export interface PrivatePostgres {
  url: string;
  port: number;
  stop(): void;
  start(): void;
  destroy(): void;
}

export interface PrivatePostgresOptions {
  /** Serve TLS (`ssl=on`) with this certificate and key, PEM. */
  tls?: {
    certificate: string;
    key: string;
    /** Let in TLS connections only (pg_hba `hostssl`); otherwise plain TCP too. */
    required?: boolean;
    /** These users sign in with a client certificate of `ca` naming them (pg_hba `cert`); the others are trusted. */
    clientCertificates?: { ca: string; users: string[] };
  };
}

/**
 * A throwaway PostgreSQL cluster of the machine's own server binaries, for tests that stop the
 * database under a running consumer, or need a server of their own (TLS), without touching the
 * shared server. Run as the `postgres` user when the tests run as root (PostgreSQL refuses root).
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = process.env.PG_BIN_DIR ?? (versions.length ? join('/usr/lib/postgresql', versions[versions.length - 1], 'bin') : '');
  if (!bin || !existsSync(join(bin, 'initdb')))
    throw new Error('PostgreSQL server binaries not found: set PG_BIN_DIR to the folder holding initdb and pg_ctl');
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    execFileSync(command, fullArgs, { stdio: 'pipe' });
  };
  const dir = mkdtempSync(join(tmpdir(), 'consign-pg-'));
  const owner = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      }
    : undefined;
  // The server reads these as its own user, and refuses a key others may read.
  const serverFile = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    if (owner) chownSync(path, owner.uid, owner.gid);
    return path;
  };
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const serverOptions = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off'];
  const { tls } = options;
  if (tls) {
    serverOptions.push(
      '-c ssl=on',
      `-c ssl_cert_file=${serverFile('server.crt', tls.certificate)}`,
      `-c ssl_key_file=${serverFile('server.key', tls.key)}`,
    );
    if (tls.clientCertificates) serverOptions.push(`-c ssl_ca_file=${serverFile('client-ca.crt', tls.clientCertificates.ca)}`);
    const rules = [
      'local all all trust',
      ...(tls.clientCertificates?.users ?? []).map((user) => `hostssl all ${user} 127.0.0.1/32 cert`),
      'hostssl all all 127.0.0.1/32 trust',
      ...(tls.required ? [] : ['host all all 127.0.0.1/32 trust']),
    ];
    serverFile('data/pg_hba.conf', `${rules.join('\n')}\n`);
  }
  const start = (): void => run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions.join(' '), '-w', 'start']);
  const stop = (): void => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
