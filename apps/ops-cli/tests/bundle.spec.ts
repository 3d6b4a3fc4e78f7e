import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { deadLetterHeaders } from '@consign/kafka';
import { createTemporaryDatabase, libraryFolders, TemporaryDatabase, testEndpoints } from '@consign/test-support';

/**
 * The ops CLI as operators get it without a checkout: dist/apps/ops-cli/main.js and its map, copied
 * alone into an empty directory and run by plain node, with no node_modules to fall back on.
 */
const root = join(__dirname, '../../..');
const built = join(root, 'dist/apps/ops-cli');

/**
 * Packages the bundle still requires at run time. Each is optional: required inside a try, its
 * absence done without (or, for picomatch, only probed with require.resolve).
 */
const optionalAtRunTime = new Set([
  // pg's native binding: typeorm tries it, then uses pg's JavaScript client.
  'pg-native',
  // typeorm's drivers of the databases the CLI never opens, loaded by database type.
  'typeorm-aurora-data-api-driver',
  'better-sqlite3',
  'expo-sqlite',
  '@google-cloud/spanner',
  'mssql',
  'mongodb',
  'mysql2',
  'oracledb',
  'pg-query-stream',
  'react-native-sqlite-storage',
  '@sap/hana-client',
  '@sap/hana-client/extension/Stream',
  'sql.js',
  'redis',
  'ioredis',
  // fdir probes it for its glob(); tinyglobby, typeorm's user of fdir, brings its own picomatch.
  'picomatch',
]);

/** The newest file the bundle is made of: the CLI's and the libraries' sources, the build's settings, the locked packages. */
function newestSource(): number {
  const files = ['package-lock.json', 'tsconfig.base.json', 'apps/ops-cli/project.json', 'apps/ops-cli/tsconfig.app.json'].map((file) =>
    join(root, file),
  );
  const folders = [join(root, 'apps/ops-cli/src'), ...libraryFolders(root).map((lib) => join(root, lib, 'src'))];
  for (const folder of folders.filter((candidate) => existsSync(candidate))) {
    for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) files.push(join(folder, file));
  }
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

function buildWhenStale(): void {
  const bundle = join(built, 'main.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) return;
  try {
    execFileSync('npx', ['nx', 'run', 'ops-cli:build', '--outputStyle=static'], {
      cwd: root,
      stdio: 'pipe',
      encoding: 'utf8',
      timeout: 300_000,
    });
  } catch (error) {
    // Nx reports a failed build on stdout, which the error's message leaves out.
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npx nx run ops-cli:build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** What esbuild leaves to Node's require: the quoted name of each `require("…")` in code, not those inside strings. */
function requiredAtRunTime(bundle: string): string[] {
  const names = [...bundle.matchAll(/(?<![\w$.'"`])require(?:\.resolve)?\("([^"]+)"\)/g)].map((match) => match[1]);
  return [...new Set(names)].filter((name) => !builtinModules.includes(name.replace(/^node:/, ''))).sort();
}

// Each test starts node on a 6 MB bundle; a loaded machine takes seconds for that.
jest.setTimeout(120_000);

describe('the ops CLI bundle', () => {
  let alone: string;
  let database: TemporaryDatabase;
  const kafka = new Kafka({ clientId: 'ops-cli-bundle-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
  const group = `ops-cli-bundle-${randomBytes(4).toString('hex')}`;
  const deadLetters = `deadletter.${group}.v1`;

  beforeAll(async () => {
    buildWhenStale();
    alone = mkdtempSync(join(tmpdir(), 'ops-cli-bundle-'));
    for (const file of ['main.js', 'main.js.map']) copyFileSync(join(built, file), join(alone, file));
    cpSync(join(built, 'console'), join(alone, 'console'), { recursive: true });
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_ops_cli_bundle_test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: deadLetters, numPartitions: 1, replicationFactor: -1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: deadLetters,
      messages: [
        {
          key: 'k',
          value: 'poison',
          headers: {
            [deadLetterHeaders.topic]: 'shopify.orders.v1',
            [deadLetterHeaders.partition]: '0',
            [deadLetterHeaders.offset]: '7',
            [deadLetterHeaders.category]: 'poison',
            [deadLetterHeaders.code]: 'contracts.not_wire_format',
            [deadLetterHeaders.message]: 'not wire format',
            [deadLetterHeaders.attempts]: '1',
            [deadLetterHeaders.group]: group,
          },
        },
      ],
    });
    await producer.disconnect();
  }, 600_000);

  afterAll(async () => {
    if (alone) rmSync(alone, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [deadLetters] }).catch(() => undefined);
    await admin.disconnect();
    await database?.drop();
  });

  /** None of the test's environment but what is given: no NODE_PATH, and a HOME without ~/.node_modules. */
  const alonesEnvironment = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: alone, ...env });

  /**
   * Plain node, in the directory holding only the bundle, with the option .npmrc gives every npm
   * script: kafkajs 2.2.4 sets a negative timer that Node 24 reports on stderr (libs/platform/service-runtime's node-options.ts).
   */
  function ops(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--disable-warning=TimeoutNegativeWarning', join(alone, 'main.js'), ...argv],
        { cwd: alone, env: alonesEnvironment(env), timeout: 120_000 },
        (error, out, err) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err });
        },
      );
    });
  }

  const development = (): NodeJS.ProcessEnv => ({
    NODE_ENV: 'development',
    KAFKA_BROKERS: testEndpoints().kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testEndpoints().schemaRegistryUrl,
    OPERATIONS_DATABASE_URL: database.url,
    OPERATOR: 'bundle-tester',
  });

  it('runs in a directory where plain node finds none of its packages, and needs none but optional ones', () => {
    for (const name of ['kafkajs', 'pg', 'typeorm']) {
      expect(() =>
        execFileSync(process.execPath, ['-e', `require.resolve(${JSON.stringify(name)})`], {
          cwd: alone,
          env: alonesEnvironment({}),
          stdio: 'pipe',
        }),
      ).toThrow(/Cannot find module/);
    }
    expect(requiredAtRunTime(readFileSync(join(alone, 'main.js'), 'utf8')).filter((name) => !optionalAtRunTime.has(name))).toEqual([]);
  });

  it('explains itself with --help, listing every command group, as the bundle is run', async () => {
    const help = await ops({}, '--help');
    expect(help.code).toBe(0);
    for (const group of ['status', 'deliveries', 'offsets', 'deadletters', 'webhooks', 'events', 'reconcile', 'tenants', 'audit'])
      expect(help.out).toMatch(new RegExp(`^ {2}${group}\\b`, 'm'));
    // Help and hints name the way this copy is run, not the checkout's npm script.
    expect(help.out).toMatch(/^Usage: node main\.js <command>/);
    expect(help.out).not.toContain('npm run ops');
    const wrong = await ops({}, 'status', 'a', 'b');
    expect({ code: wrong.code, err: wrong.err }).toEqual({
      code: 2,
      err: expect.stringContaining('Run "node main.js status --help" for its options.'),
    });
  });

  it("lists a group's dead letters from Kafka, with the redrive log from PostgreSQL, as JSON", async () => {
    const listed = await ops(development(), 'deadletters', 'list', '--group', group, '--json');
    expect({ code: listed.code, err: listed.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(listed.out)).toMatchObject({
      matched: 1,
      deadLetters: [
        {
          id: `${deadLetters}:0:0`,
          group,
          category: 'poison',
          code: 'contracts.not_wire_format',
          original: { topic: 'shopify.orders.v1', partition: 0, offset: '7' },
          redrives: [],
        },
      ],
    });
  });

  it('is production unless told otherwise: without NODE_ENV it names the variable to set', async () => {
    const listed = await ops(
      {
        SCHEMA_REGISTRY_URL: 'https://registry.example.com',
        OPERATIONS_DATABASE_URL: 'postgres://ops@db.example.com/ops',
        OPERATOR: 'bundle-tester',
      },
      'deadletters',
      'list',
      '--group',
      group,
      '--json',
    );
    expect(listed.code).toBe(1);
    expect(JSON.parse(listed.out)).toMatchObject({ error: { code: 'operations.endpoint_not_named' } });
    expect(listed.err).toContain('KAFKA_BROKERS is not set');
  });

  it('serves the operator console from the pages beside it, until told to stop', async () => {
    const served = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(alone, 'main.js'), 'console'], {
      cwd: alone,
      env: alonesEnvironment({ ...development(), CONSOLE_PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      served.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const found = /operator console at (\S+)/.exec(err);
        if (found) resolve(found[1]);
      });
      served.once('exit', (code) => reject(new Error(`the console exited ${code}: ${err}`)));
    });
    const exited = new Promise<number | null>((resolve) => served.once('exit', resolve));
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/$/);
      const page = await fetch(url);
      expect({ status: page.status, page: await page.text() }).toEqual({ status: 200, page: expect.stringContaining('operator console') });
      expect((await fetch(new URL('console.js', url))).status).toBe(200);
    } finally {
      served.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('carries its sourcemap, with the sources inside, beside it', () => {
    expect(readFileSync(join(alone, 'main.js'), 'utf8').trimEnd()).toMatch(/\/\/# sourceMappingURL=main\.js\.map$/);
    const map = JSON.parse(readFileSync(join(alone, 'main.js.map'), 'utf8')) as { sources: string[]; sourcesContent: string[] };
    const main = map.sources.findIndex((source) => source.endsWith('apps/ops-cli/src/main.ts'));
    expect(map.sourcesContent[main]).toBe(readFileSync(join(root, 'apps/ops-cli/src/main.ts'), 'utf8'));
  });
});
