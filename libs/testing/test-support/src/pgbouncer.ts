import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEndpoints } from './platform-endpoints';
import { freePort } from './service-process';

const pgbouncerBinary = '/usr/sbin/pgbouncer';

export interface PgBouncer {
  port: number;
  /** The URL of `database` on the shared PostgreSQL server, through this PgBouncer. */
  urlOf(database: string): string;
  /** What PgBouncer logged so far, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /**
   * Server connections per database and user (`default_pool_size`). Small by default, so that
   * clients share server connections and any session state one of them leaves behind reaches another.
   */
  poolSize?: number;
}

/**
 * A real PgBouncer in transaction pooling mode in front of the shared PostgreSQL server, on a free
 * port, forwarding every database name. Its own process, configuration and temp folder, so tests of
 * different files never share pools. Run as `nobody` when the tests run as root (PgBouncer refuses root).
 */
export async function startPgBouncer(options: PgBouncerOptions = {}): Promise<PgBouncer> {
  try {
    accessSync(pgbouncerBinary, constants.X_OK);
  } catch {
    throw new Error(`PgBouncer is not installed (${pgbouncerBinary} not found): install it with \`apt-get install pgbouncer\``);
  }
  const upstream = new URL(testEndpoints().postgresServerUrl);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'consign-pgbouncer-'));
  // PgBouncer reads its files as `nobody` after dropping root.
  chmodSync(dir, 0o755);
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o644 });
    return path;
  };
  // The shared server trusts local connections; PgBouncer checks nothing either, but still wants the user listed.
  const authFile = file('users.txt', `"${user}" ""\n`);
  const config = file(
    'pgbouncer.ini',
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 2}`,
      'max_client_conn = 200',
      // Logged to stderr, which the helper keeps.
      'logfile =',
      'log_connections = 0',
      'log_disconnections = 0',
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  const child = spawn(pgbouncerBinary, [...(asRoot ? ['-u', 'nobody'] : []), config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: immediate shutdown, without waiting for clients to leave.
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilListening(child, port, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    urlOf(database) {
      const url = new URL(upstream.toString());
      url.port = String(port);
      url.pathname = `/${database}`;
      return url.toString();
    },
    output: () => output,
    stop,
  };
}

async function untilListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`PgBouncer exited at start:\n${output()}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`PgBouncer did not listen on ${port} within 10 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
