import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { InfraError, type Logger } from './util';

/** Debian packages the tests start as real servers, by the binary each provides. */
export const systemPackages = [
  { name: 'pgbouncer', binary: '/usr/sbin/pgbouncer', usedBy: 'the PgBouncer tests (transaction pooling)' },
  // promtool (the rule checks and rule tests) comes with Prometheus.
  { name: 'prometheus', binary: '/usr/bin/promtool', usedBy: 'the alert rules, their tests and the local monitoring' },
  { name: 'prometheus-alertmanager', binary: '/usr/bin/prometheus-alertmanager', usedBy: 'the alert e2e test and the local monitoring' },
  // Driven by playwright-core from npm, which brings no browser of its own.
  { name: 'chromium', binary: '/usr/bin/chromium', usedBy: 'the operator console tests (headless Chromium)' },
] as const;

/**
 * Installs the missing ones with apt-get when running as root (CI, these machines); otherwise
 * says which command to run, since a user's machine is theirs to change, and the tests that need
 * one fail naming it.
 */
export function ensureSystemPackages(
  log: Logger,
  packages: ReadonlyArray<{ name: string; binary: string; usedBy: string }> = systemPackages,
  asRoot = process.getuid?.() === 0,
): void {
  const missing = packages.filter((entry) => !fs.existsSync(entry.binary));
  if (missing.length === 0) return;
  const names = missing.map((entry) => entry.name);
  const command = `apt-get install -y ${names.join(' ')}`;
  if (!asRoot) {
    log(`${missing.map((entry) => `${entry.name} (for ${entry.usedBy})`).join(', ')} missing: run \`sudo ${command}\``);
    return;
  }
  log(`installing ${names.join(', ')} with apt-get`);
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...names],
  ]) {
    const result = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0)
      throw new InfraError(`apt-get ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim().slice(-2000)}`);
  }
}

/** What builds and runs the apps' images (tools/container-images.ts, decision 0020): only needed for that. */
export const containerPackages = [
  { name: 'podman', binary: '/usr/bin/podman', usedBy: "the apps' images" },
  // podman's runtime on these machines (see podman.ts), and the base image's root filesystem.
  { name: 'runc', binary: '/usr/sbin/runc', usedBy: "the apps' images" },
  { name: 'debootstrap', binary: '/usr/sbin/debootstrap', usedBy: "the apps' images (their local base image)" },
] as const;
