import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export type Logger = (line: string) => void;

export const defaultLogger: Logger = (line) => {
  process.stdout.write(`[infra] ${line}\n`);
};

export const silentLogger: Logger = () => undefined;

/** An error whose message is meant for a human and needs no stack trace. */
export class InfraError extends Error {
  override name = 'InfraError';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code: unknown = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function tailFile(file: string, lines: number): string {
  let text: string;
  try {
    const stat = fs.statSync(file);
    const size = Math.min(stat.size, 256 * 1024);
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size);
      fs.readSync(fd, buf, 0, size, stat.size - size);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return `(no log at ${file})`;
  }
  return text
    .split('\n')
    .filter((l, i, all) => l.length > 0 || i < all.length - 1)
    .slice(-lines)
    .join('\n');
}

/** Finds an executable on PATH without spawning a shell. */
export function findOnPath(command: string, envPath: string = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when something already listens on host:port (i.e. we could not bind it). */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err) => {
      resolve(errorCode(err) === 'EADDRINUSE' || errorCode(err) === 'EACCES');
    });
    server.once('listening', () => server.close(() => resolve(false)));
    server.listen({ port, host, exclusive: true });
  });
}

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function portHint(port: number): string {
  return `find it with: ss -ltnp 'sport = :${port}'   (or: lsof -nP -iTCP:${port} -sTCP:LISTEN)`;
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

export function readTextIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes via a temp file + rename so readers never see half a file. */
export function writeFileAtomic(file: string, content: string): void {
  ensureDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
