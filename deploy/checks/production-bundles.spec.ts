import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createTemporaryDatabase,
  freePort,
  startServiceProcess,
  testEndpoints,
  type ServiceProcess,
  type TemporaryDatabase,
} from '@consign/test-support';
import { documentedPorts, documentedSettings } from './support/configuration-reference';
import { deployableApps, readRepositoryFile } from './support/repository';

/**
 * Each app's production bundle as a deployment gets it: dist/apps/<app> copied into an empty
 * folder, `npm ci --omit=dev` there (from the bundle's own package.json and lockfile, nothing from
 * this repository), then `main.js migrate` and `main.js` on the pinned Node.js against the running
 * infrastructure, with a database of its own, until it answers /readyz.
 */
const run = promisify(execFile);
const apps = deployableApps();
const rootManifest = JSON.parse(readRepositoryFile('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const installs = new Map<string, Promise<string>>();
/** Installs share npm's cache; two at a time, so the suite stays within a couple of minutes on two cores. */
const installSlots = 2;

/**
 * Packages a bundle may list without its main.js requiring them. Each entry says why it is loaded
 * anyway, or why Nx lists it; anything else listed but never loaded is a leak to fix at its source.
 */
const listedWithoutRequire: Record<string, string> = {
  pg: 'typeorm loads its PostgreSQL driver by name at run time',
  'lossless-json':
    'listed for the services through @consign/test-support, which their tests import: Nx follows every import of a dependency project, tests included, and this one is a runtime package of the gateway',
};

function packageOf(specifier: string): string {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

function bundleManifest(bundle: string): { dependencies: Record<string, string> } {
  const path = join(bundle, 'package.json');
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: build the apps first (npx nx run-many -t build --projects=${apps.map(({ name }) => name).join(',')})`,
    );
  return JSON.parse(readFileSync(path, 'utf8')) as { dependencies: Record<string, string> };
}

/** 200 once `url` answers 200; otherwise why not: the process ended, or the time ran out. */
async function readiness(url: string, serving: ServiceProcess, timeoutMs: number): Promise<number | string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (serving.child.exitCode !== null) return `exited with ${serving.child.exitCode} before it was ready`;
    const answer = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (answer?.status === 200) return 200;
    await delay(250);
  }
  return `not ready within ${timeoutMs} ms`;
}

async function install(app: { name: string; bundle: string }): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), `consign-bundle-${app.name}-`));
  cpSync(app.bundle, folder, { recursive: true });
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: folder,
    timeout: 240_000,
  });
  return folder;
}

beforeAll(() => {
  // Queue the installs up front, at most `installSlots` at once; each app's test awaits its own.
  let queue: Promise<unknown>[] = Array.from({ length: installSlots }, () => Promise.resolve());
  apps.forEach((app, index) => {
    const slot = index % installSlots;
    const installed = queue[slot].then(() => install(app));
    queue = queue.map((previous, position) => (position === slot ? installed.catch(() => undefined) : previous));
    installs.set(app.name, installed);
  });
  // Keep an early failure from being reported as unhandled before its test awaits it.
  for (const installed of installs.values()) installed.catch(() => undefined);
});

afterAll(async () => {
  for (const installed of installs.values()) {
    const folder = await installed.catch(() => undefined);
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
});

it('runs on the pinned Node.js, as the images do', () => {
  expect(process.version).toBe(`v${readRepositoryFile('.nvmrc').trim()}`);
});

it('leaves the auto-instrumentations out of the gateway, which makes its spans itself (decision 0009)', () => {
  const gateway = apps.find(({ name }) => name === 'gateway');
  if (gateway === undefined) throw new Error('no gateway among the deployable apps');
  expect(Object.keys(bundleManifest(gateway.bundle).dependencies)).not.toContain('@opentelemetry/auto-instrumentations-node');
  expect(readFileSync(join(gateway.bundle, 'main.js'), 'utf8')).not.toContain('@opentelemetry/auto-instrumentations-node');
});

describe.each(apps)('$name', (app) => {
  it('lists only runtime dependencies, each one its bundle loads', () => {
    const listed = Object.keys(bundleManifest(app.bundle).dependencies);
    expect(listed.filter((name) => rootManifest.dependencies[name] === undefined)).toEqual([]);
    const mainJs = readFileSync(join(app.bundle, 'main.js'), 'utf8');
    const required = new Set([...mainJs.matchAll(/require\("([^"]+)"\)/g)].map((match) => packageOf(match[1])));
    expect(listed.filter((name) => !required.has(name) && listedWithoutRequire[name] === undefined)).toEqual([]);
    const unlisted = [...required].filter(
      (name) => !name.startsWith('node:') && !name.startsWith('.') && !builtinModules.includes(name) && !listed.includes(name),
    );
    expect(unlisted).toEqual([]);
  });

  it('installs with npm ci --omit=dev in an empty folder, migrates, serves and becomes ready', async () => {
    const folder = await installs.get(app.name);
    if (folder === undefined) throw new Error(`${app.name} was never installed`);
    // Nothing above the folder could lend it a package: it stands alone, as in an image.
    for (let directory = dirname(folder); directory !== dirname(directory); directory = dirname(directory))
      expect(existsSync(join(directory, 'node_modules'))).toBe(false);
    const endpoints = testEndpoints();
    const settings = documentedSettings(app.name).map(({ variable }) => variable);
    const [listener, ...otherListeners] = documentedPorts(app.name);
    const databaseVariable =
      settings.find((variable) => variable.endsWith('_DATABASE_URL')) ?? `${listener.variable.replace(/_PORT$/, '')}_DATABASE_URL`;
    let database: TemporaryDatabase | undefined;
    try {
      database = await createTemporaryDatabase(endpoints.postgresServerUrl, `consign_bundle_${app.name.split('-')[0]}`);
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'development',
        KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
        SMTP_URL: endpoints.smtpUrl,
        [databaseVariable]: database.url,
        [listener.variable]: String(await freePort()),
        RECONCILER_SCHEDULE: 'off',
      };
      for (const other of otherListeners) env[other.variable] = String(await freePort());
      // Consumer groups of their own: never take partitions from another test's or `npm start`'s apps.
      const runId = randomUUID().slice(0, 8);
      for (const group of settings.filter((variable) => variable.endsWith('_CONSUMER_GROUP')))
        env[group] = `${app.name}-bundle-${group.toLowerCase().replace(/_/g, '-')}-${runId}`;
      const mainJs = join(folder, 'main.js');
      // `migrate` applies the migrations and exits: a deployment's migration Job waits for that.
      const migration = startServiceProcess(mainJs, ['migrate'], env);
      const migrated = await Promise.race([
        migration.exited(),
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000).unref()),
      ]);
      if (migrated !== 0) await migration.stop('SIGKILL');
      expect({ migrate: migrated, output: migrated === 0 ? '' : migration.output().slice(-4000) }).toEqual({ migrate: 0, output: '' });
      const serving = startServiceProcess(mainJs, [], env);
      try {
        const status = await readiness(`http://127.0.0.1:${env[listener.variable]}/readyz`, serving, 90_000);
        expect(status === 200 ? status : `${status}\n${serving.output().slice(-4000)}`).toBe(200);
      } finally {
        // Stopped as an orchestrator stops it; a clean stop is the apps' own tests' business.
        const stopped = serving.stop('SIGTERM');
        const timer = setTimeout(() => void serving.stop('SIGKILL'), 30_000);
        await stopped;
        clearTimeout(timer);
      }
    } finally {
      await database?.drop();
    }
  }, 360_000);
});
