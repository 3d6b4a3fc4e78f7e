import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { findOnPath, InfraError, readTextIfExists } from './util';

export interface JavaRuntime {
  bin: string;
  major: number;
  /** Where it was found, for messages. */
  source: string;
}

function majorFromVersion(version: string): number | undefined {
  // "1.8.0_392" -> 8, "17.0.15" -> 17, "25" -> 25
  const parts = version.split(/[.+_-]/);
  const first = Number(parts[0]);
  if (!Number.isInteger(first)) return undefined;
  return first === 1 ? Number(parts[1]) : first;
}

const versionCache = new Map<string, number | undefined>();

/** Reads JAVA_HOME/release (instant); falls back to running `java -version`. */
function javaMajor(bin: string): number | undefined {
  if (versionCache.has(bin)) return versionCache.get(bin);
  let major: number | undefined;
  try {
    const home = path.dirname(path.dirname(fs.realpathSync(bin)));
    const release = readTextIfExists(path.join(home, 'release'));
    const match = release?.match(/^JAVA_VERSION="([^"]+)"/m);
    if (match?.[1]) major = majorFromVersion(match[1]);
  } catch {
    // fall through to -version
  }
  if (major === undefined) {
    try {
      const out = execFileSync(bin, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      major = majorFromVersion(out.match(/version "([^"]+)"/)?.[1] ?? '');
    } catch (err) {
      const stderr = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : '';
      major = majorFromVersion(stderr.match(/version "([^"]+)"/)?.[1] ?? '');
    }
  }
  versionCache.set(bin, major);
  return major;
}

function binOf(home: string): string {
  return path.join(home, 'bin', 'java');
}

function candidates(overrideEnv: string, env: NodeJS.ProcessEnv): Array<{ bin: string; source: string }> {
  const list: Array<{ bin: string; source: string }> = [];
  const override = env[overrideEnv];
  if (override) list.push({ bin: binOf(override), source: overrideEnv });
  if (env['JAVA_HOME']) list.push({ bin: binOf(env['JAVA_HOME']), source: 'JAVA_HOME' });
  const onPath = findOnPath('java', env['PATH']);
  if (onPath) list.push({ bin: onPath, source: 'PATH' });
  // Debian/Ubuntu keep extra JDKs side by side here (e.g. a Temurin next to the default OpenJDK).
  for (const root of ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines']) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const home = root.startsWith('/Library') ? path.join(root, entry, 'Contents', 'Home') : path.join(root, entry);
      list.push({ bin: binOf(home), source: root });
    }
  }
  return list.filter((c) => fs.existsSync(c.bin));
}

/**
 * The first usable java of at least `minMajor`: $overrideEnv/bin/java, then
 * $JAVA_HOME, then PATH, then the newest one under /usr/lib/jvm.
 */
export function findJava(minMajor: number, overrideEnv: string, purpose: string, env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const all = candidates(overrideEnv, env);
  if (env[overrideEnv]) {
    const forced = all.find((c) => c.source === overrideEnv);
    const major = forced ? javaMajor(forced.bin) : undefined;
    if (!forced || major === undefined || major < minMajor) {
      throw new InfraError(`${overrideEnv}=${env[overrideEnv]} is not a Java ${minMajor}+ installation (needed for ${purpose}).`);
    }
    return { bin: forced.bin, major, source: overrideEnv };
  }
  const preferred = all.filter((c) => c.source === 'JAVA_HOME' || c.source === 'PATH');
  for (const c of preferred) {
    const major = javaMajor(c.bin);
    if (major !== undefined && major >= minMajor) return { bin: c.bin, major, source: c.source };
  }
  const scanned = all
    .filter((c) => c.source !== 'JAVA_HOME' && c.source !== 'PATH')
    .map((c) => ({ ...c, major: javaMajor(c.bin) }))
    .filter((c): c is { bin: string; source: string; major: number } => c.major !== undefined && c.major >= minMajor)
    .sort((a, b) => b.major - a.major);
  const best = scanned[0];
  if (best) return { bin: best.bin, major: best.major, source: path.dirname(path.dirname(best.bin)) };

  const seen = all.map((c) => `${c.bin} (Java ${javaMajor(c.bin) ?? '?'})`);
  if (seen.length === 0) {
    throw new InfraError(
      `java is not on PATH (needed for ${purpose}). Install a JDK ${minMajor}+ ` +
        `(Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless; macOS: brew install openjdk@21) ` +
        `or set JAVA_HOME.`,
    );
  }
  throw new InfraError(
    `${purpose} needs Java ${minMajor}+, but only found: ${seen.join(', ')}. ` +
      `Install a JDK ${minMajor}+ (e.g. Temurin ${minMajor}) and point ${overrideEnv} (or JAVA_HOME) at it.`,
  );
}
