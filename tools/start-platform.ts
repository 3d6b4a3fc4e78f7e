import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { integer, loadConfig } from '@consign/config';
import { developmentAdminKey, serviceNodeOptions } from '@consign/service-runtime';
import { startDevelopmentShopify } from '@consign/test-support';
import { runOrFail, waitUntilReady } from './local-processes';
import { platformApps } from './platform-apps';
import { acquirePlatformInfra } from './platform-infra';
import { assertPinnedRuntime } from './pinned-runtime';

/**
 * `npm start`: infrastructure up, apps built, migrations applied, every app started as its own
 * process with its output prefixed by its name, in development mode (the development tenant and
 * admin key), with a development-only stand-in for Shopify's Admin API that the reconciler reads.
 * Ctrl-C stops the apps cleanly; the infrastructure keeps running (`npm run infra:down` stops it).
 */
const root = join(__dirname, '..');
const log = (line: string): void => console.log(`[platform] ${line}`);

async function main(): Promise<void> {
  assertPinnedRuntime('npm start');
  const { developmentShopifyPort } = loadConfig({
    developmentShopifyPort: integer('DEV_SHOPIFY_ADMIN_PORT', 3006, { min: 1, max: 65535 }),
  });
  const infra = await acquirePlatformInfra({ allowDocker: true, log });
  const shopify = await startDevelopmentShopify(developmentShopifyPort);
  log(`development Shopify Admin API stand-in (NOT Shopify: a seeded shop for the tenant dev-store) at ${shopify.origin}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...infra.env, NODE_ENV: 'development', SHOPIFY_ADMIN_API_ORIGIN: shopify.origin };
  log('building the apps');
  await runOrFail(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'build',
      `--projects=${[...platformApps.map((app) => app.name), 'ops-cli'].join(',')}`,
      '--outputStyle=static',
    ],
    env,
  );
  for (const app of platformApps.filter((candidate) => candidate.migrates)) {
    log(`migrating ${app.name}`);
    await runOrFail(process.execPath, [bundle(app.name), 'migrate'], env);
  }

  const children = new Map<string, ChildProcess>();
  // The operator console is the ops CLI's `console` command, run from its bundle as an operator would.
  for (const [name, args] of [
    ...platformApps.map((app) => [app.name, [bundle(app.name)]]),
    ['ops-console', [bundle('ops-cli'), 'console']],
  ] as Array<[string, string[]]>) {
    const child = spawn(process.execPath, ['--enable-source-maps', ...serviceNodeOptions, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(child, name);
    child.once('exit', (code, signal) => {
      children.delete(name);
      if (!stopping) {
        log(`${name} exited (${signal ?? code}); stopping the others`);
        void stopAll(1);
      }
    });
    children.set(name, child);
  }

  let stopping = false;
  const stopAll = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('stopping the apps');
    const exits = [...children.values()].map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children.values()) child.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 20_000))]);
    for (const child of children.values()) child.kill('SIGKILL');
    log(`apps stopped; the infrastructure keeps running (${infra.origin === 'local' ? 'npm run infra:down' : 'managed elsewhere'})`);
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const urls = platformApps.map((app) => ({ app, url: `http://127.0.0.1:${env[app.portVariable] ?? app.defaultPort}` }));
  if (
    !(await waitUntilReady(
      urls.map(({ url }) => url),
      90_000,
    ))
  )
    log('some apps are not ready after 90 s; see their output above');
  log('the platform is running:');
  for (const { app, url } of urls) {
    const internal = app.internal ? `http://127.0.0.1:${env[app.internal.portVariable] ?? app.internal.defaultPort}` : url;
    log(
      `  ${app.name.padEnd(20)} ${url}   (${url}/readyz; ${internal}/metrics and the ${app.internal ? 'admin API' : 'read and admin APIs'} with a key)`,
    );
  }
  log(`  ${'operator console'.padEnd(20)} http://127.0.0.1:${env.CONSOLE_PORT ?? 3007}/console/   (sign in with the development key)`);
  log(`  development key: ${developmentAdminKey} (Authorization: Bearer ${developmentAdminKey}), every scope`);
  for (const [name, value] of Object.entries(infra.env)) log(`  ${name.padEnd(20)} ${value.replace(/\/\/[^@/]*@/, '//***@')}`);
  log('press Ctrl-C to stop the apps');
}

function bundle(app: string): string {
  return join(root, 'dist/apps', app, 'main.js');
}

function prefixLines(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`${name.padEnd(18)}| ${line}`));
  }
}

main().catch((error: unknown) => {
  console.error(`[platform] ${(error as Error).message}`);
  process.exit(1);
});
