import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runCommand } from './local-processes';
import { assertPinnedRuntime } from './pinned-runtime';

const root = join(__dirname, '..');

/**
 * What `npm run test:unit` runs, by rule (decision 0021): every Jest project's specs, except
 * - the projects tagged here, whose specs need the servers: a lib's or app's `tests/` project
 *   (`<name>-tests`, type:test) and the platform's end-to-end tests (type:e2e);
 * - the few specs of the other projects named in serverSpecs.
 * `npm test` runs everything, these included. tools/unit-tests.spec.ts checks that each spec is in
 * exactly one of the two groups.
 */
export const serverProjectTags: readonly string[] = ['type:test', 'type:e2e'];

/**
 * Specs outside a tests/ project that need a server all the same, each with what it needs. A new
 * one belongs in its project's tests/ folder rather than here.
 */
export const serverSpecs: Readonly<Record<string, string>> = {
  'libs/platform/contracts/src/schema-compatibility.spec.ts': 'registers schemas in the real schema registry',
  'deploy/checks/production-bundles.spec.ts':
    'installs each app bundle with npm ci from the npm registry, migrates it on PostgreSQL and starts it (minutes)',
  'infra/local/src/monitoring.spec.ts': 'starts Prometheus and Alertmanager',
  'monitoring/checks/promtool.spec.ts': "runs promtool from Debian's prometheus package, and installs that package when it is missing",
};

/**
 * The servers' endpoints during `test:unit`, on a port nothing listens on: a spec that reaches for
 * Kafka, the registry, PostgreSQL or the mail sink fails there, even where the local stack runs.
 */
export const closedEndpoints: Readonly<Record<string, string>> = {
  KAFKA_BROKERS: '127.0.0.1:1',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
  POSTGRES_ADMIN_URL: 'postgres://postgres@127.0.0.1:1/postgres',
  SMTP_URL: 'smtp://127.0.0.1:1',
  MAIL_SINK_URL: 'http://127.0.0.1:1',
};

export interface JestProject {
  /** The project's folder, relative to the workspace root. */
  root: string;
  /** Its Jest config, relative to the workspace root. */
  config: string;
  tags: string[];
}

const skippedFolders = new Set(['node_modules', 'dist', 'tmp', 'coverage']);

/** Every folder of the workspace but dependencies, build output and dot folders (.nx, infra/local/.cache, .run). */
function* workspaceFolders(dir = root): Generator<string> {
  yield dir;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !skippedFolders.has(entry.name))
      yield* workspaceFolders(join(dir, entry.name));
  }
}

const jestConfigName = /^jest\.config\.(c|m)?(j|t)s$/;

/** The projects `npm test` runs Jest in: every folder with a Jest config (the @nx/jest plugin gives each a test target), with its project.json tags. */
export function jestProjects(): JestProject[] {
  const projects: JestProject[] = [];
  for (const dir of workspaceFolders()) {
    const config = readdirSync(dir).find((name) => jestConfigName.test(name));
    if (!config) continue;
    const projectJson = join(dir, 'project.json');
    const at = relative(root, dir) || '.';
    if (!existsSync(projectJson))
      throw new Error(`${at} has a Jest config but no project.json: its tags say whether its specs need servers`);
    const { tags = [] } = JSON.parse(readFileSync(projectJson, 'utf8')) as { tags?: string[] };
    projects.push({ root: at, config: join(at, config), tags });
  }
  return projects.sort((a, b) => a.root.localeCompare(b.root));
}

export function needsServers(project: JestProject): boolean {
  return project.tags.some((tag) => serverProjectTags.includes(tag));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function unitProjects(): JestProject[] {
  return jestProjects().filter((project) => !needsServers(project));
}

/**
 * The Jest arguments of the unit run: the projects that need no servers, and a path pattern that
 * leaves out serverSpecs. Not testPathIgnorePatterns, which would replace each project's own
 * ignores (`tests/` among them). The pattern starts with the workspace's absolute path, so that
 * Jest matches it against each spec's absolute path rather than its path in the project.
 */
export function unitJestArgs(): string[] {
  const excluded = Object.keys(serverSpecs).map(escapeRegExp);
  const workspace = escapeRegExp(`${root.split(sep).join('/')}/`);
  return ['--projects', ...unitProjects().map((project) => project.config), `--testPathPatterns=${workspace}(?!(${excluded.join('|')})$)`];
}

/**
 * `npm run test:unit [-- <Jest options>]`, e.g. `-- -t 'a test name'`: one Jest run over the unit
 * projects, every worker the machine has, exiting non-zero when any test fails. A path given as
 * an option would widen the run (Jest joins path patterns with "or"), not narrow it.
 */
async function main(): Promise<number> {
  assertPinnedRuntime('npm run test:unit');
  const startedAt = Date.now();
  const args = unitJestArgs();
  console.log(
    `[test:unit] the specs of ${unitProjects().length} projects, without the servers (tests/ projects, platform-e2e and ${Object.keys(serverSpecs).length} named specs run in npm test)`,
  );
  const env = {
    ...process.env,
    ...closedEndpoints,
    // As in npm test: the tests ask for development, its tenant and key.
    NODE_ENV: 'development',
  };
  // Jest's default, one worker fewer than the cores, is one worker on a two-core machine.
  const code = await runCommand('npx', ['jest', '--ci', `--maxWorkers=${availableParallelism()}`, ...args, ...process.argv.slice(2)], env);
  console.log(`[test:unit] ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return code;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[test:unit] ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
