import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Paths, ProcessName } from './config';
import { ensureDir, errorCode, InfraError, readTextIfExists, seconds, sleep, tailFile, type Logger } from './util';

/**
 * Every process we start carries these two arguments (system properties for the JVMs, ignored
 * arguments for the mail sink). They let us recognise our own processes (a pid file can be stale
 * and its pid reused) and find an orphan whose pid file was deleted, without confusing two checkouts.
 */
export function markerArgs(part: ProcessName, paths: Pick<Paths, 'home'>): string[] {
  return [`-Dconsign.infra.part=${part}`, `-Dconsign.infra.home=${paths.home}`];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
  // A zombie still answers kill(0); in containers whose pid 1 does not reap, it may stay that way.
  const stat = readTextIfExists(`/proc/${pid}/stat`);
  return !stat || !/^\d+ \(.*\) Z/s.test(stat);
}

function commandLine(pid: number): string[] | undefined {
  const raw = readTextIfExists(`/proc/${pid}/cmdline`);
  if (raw !== undefined) return raw.split('\0').filter((a) => a.length > 0);
  if (process.platform === 'linux') return undefined;
  try {
    // No /proc (macOS): ps -ww prints the full, untruncated command line.
    const out = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return out.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

export function isOurProcess(pid: number, part: ProcessName, paths: ProcessPaths): boolean {
  if (!isAlive(pid)) return false;
  const args = commandLine(pid);
  if (!args) return false;
  return markerArgs(part, paths).every((m) => args.includes(m));
}

function listPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    try {
      const out = execFileSync('ps', ['-A', '-o', 'pid='], { encoding: 'utf8' });
      return out
        .split('\n')
        .map((l) => Number(l.trim()))
        .filter((n) => Number.isInteger(n) && n > 0);
    } catch {
      return [];
    }
  }
}

export function readPidFile(part: ProcessName, paths: ProcessPaths): number | undefined {
  const raw = readTextIfExists(paths.pidFile(part));
  if (raw === undefined) return undefined;
  const pid = Number(raw.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function removePidFile(part: ProcessName, paths: ProcessPaths): void {
  fs.rmSync(paths.pidFile(part), { force: true });
}

/**
 * Our running process for this part: the one in the pid file, or else an orphan
 * found by its marker (then the pid file is rewritten). Stale pid files are removed.
 */
export function findOurProcess(part: ProcessName, paths: ProcessPaths): number | undefined {
  const fromFile = readPidFile(part, paths);
  if (fromFile !== undefined) {
    if (isOurProcess(fromFile, part, paths)) return fromFile;
    removePidFile(part, paths);
  }
  for (const pid of listPids()) {
    if (pid !== process.pid && isOurProcess(pid, part, paths)) {
      fs.writeFileSync(paths.pidFile(part), `${pid}\n`);
      return pid;
    }
  }
  return undefined;
}

/** What process tracking needs: the marker's home, and where pid files and logs go. */
export type ProcessPaths = Pick<Paths, 'home' | 'pidFile' | 'logFile'>;

export interface StartSpec {
  part: ProcessName;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Starts a detached process in its own process group, output appended to the part's log. */
export function startDetached(spec: StartSpec, paths: ProcessPaths): number {
  const logFile = paths.logFile(spec.part);
  ensureDir(path.dirname(logFile));
  if (fs.existsSync(logFile)) fs.renameSync(logFile, `${logFile}.1`);
  const out = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(out, `# ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) {
      throw new InfraError(`${spec.part}: could not start ${spec.command}`);
    }
    // Swallow spawn errors here; the caller notices the process is gone.
    child.on('error', () => undefined);
    child.unref();
    fs.writeFileSync(paths.pidFile(spec.part), `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

export interface WaitOptions {
  part: ProcessName;
  pid: number;
  timeoutMs: number;
  check: () => Promise<boolean>;
  log: Logger;
  paths: ProcessPaths;
  /** Extra hint appended when the process died or timed out. */
  diagnostics?: () => string;
}

export async function waitUntilHealthy(opts: WaitOptions): Promise<number> {
  const started = Date.now();
  let lastReport = started;
  for (;;) {
    if (!isAlive(opts.pid)) {
      removePidFile(opts.part, opts.paths);
      const logFile = opts.paths.logFile(opts.part);
      throw new InfraError(
        `${opts.part} (pid ${opts.pid}) exited during start-up. Last 30 lines of ${logFile}:\n` +
          `${tailFile(logFile, 30)}${opts.diagnostics ? `\n${opts.diagnostics()}` : ''}`,
      );
    }
    if (await opts.check()) return Date.now() - started;
    const now = Date.now();
    if (now - started > opts.timeoutMs) {
      const logFile = opts.paths.logFile(opts.part);
      throw new InfraError(
        `${opts.part} (pid ${opts.pid}) is running but did not become healthy within ${seconds(opts.timeoutMs)} ` +
          `(raise INFRA_START_TIMEOUT_MS if the machine is slow). It was left running; stop it with \`down\`. ` +
          `Last 30 lines of ${logFile}:\n${tailFile(logFile, 30)}${opts.diagnostics ? `\n${opts.diagnostics()}` : ''}`,
      );
    }
    if (now - lastReport >= 5000) {
      opts.log(`  ...waiting for ${opts.part} (${seconds(now - started)})`);
      lastReport = now;
    }
    await sleep(250);
  }
}

/** SIGTERM to the whole process group, SIGKILL after graceMs. */
export async function stopProcessGroup(pid: number, graceMs = 20_000): Promise<'terminated' | 'killed'> {
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch (err) {
      if (errorCode(err) !== 'ESRCH') {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'terminated';
    await sleep(200);
  }
  signalGroup('SIGKILL');
  while (isAlive(pid)) await sleep(100);
  return 'killed';
}

/** Resident set size in MiB from /proc (undefined elsewhere or when gone). */
export function rssMiB(pid: number): number | undefined {
  const status = readTextIfExists(`/proc/${pid}/status`);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return match?.[1] ? Math.round(Number(match[1]) / 1024) : undefined;
}
