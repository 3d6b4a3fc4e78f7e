import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { closedEndpoints, jestProjects, needsServers, serverSpecs, unitJestArgs } from './unit-tests';

const root = join(__dirname, '..');
const skippedFolders = new Set(['node_modules', 'dist', 'tmp', 'coverage']);

/** Every file that looks like a test, whether or not any Jest project would run it. */
function specFilesOnDisk(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return entry.name.startsWith('.') || skippedFolders.has(entry.name) ? [] : specFilesOnDisk(join(dir, entry.name));
    return /\.(spec|test|itest)\.[cm]?[jt]sx?$/.test(entry.name) ? [relative(root, join(dir, entry.name))] : [];
  });
}

/** What Jest would run with these arguments, relative to the workspace root. */
async function listTests(args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [require.resolve('jest/bin/jest'), '--listTests', '--json', ...args], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as string[]).map((file) => relative(root, file)).sort();
}

describe('npm run test:unit and npm test', () => {
  const projects = jestProjects();
  let everySpec: string[];
  let unitRun: string[];
  let serverProjectSpecs: string[];

  beforeAll(async () => {
    [everySpec, unitRun, serverProjectSpecs] = await Promise.all([
      listTests(['--projects', ...projects.map((project) => project.config)]),
      listTests(unitJestArgs()),
      listTests(['--projects', ...projects.filter(needsServers).map((project) => project.config)]),
    ]);
  });

  it('run every spec in the workspace: none lies outside every Jest project or is named so that Jest skips it', () => {
    expect(specFilesOnDisk().sort()).toEqual(everySpec);
  });

  it('split them: test:unit runs every spec but those of the server projects and the named server specs, and none of those', () => {
    const server = new Set([...serverProjectSpecs, ...Object.keys(serverSpecs)]);
    expect(unitRun.filter((file) => server.has(file))).toEqual([]);
    expect(everySpec.filter((file) => !server.has(file) && !unitRun.includes(file))).toEqual([]);
    expect(unitRun.length).toBeGreaterThan(0);
  });

  it('name only specs that exist and would otherwise run in test:unit', () => {
    const stale = Object.keys(serverSpecs).filter((file) => !everySpec.includes(file) || serverProjectSpecs.includes(file));
    expect(stale).toEqual([]);
  });

  it("tag every project's tests/ folder type:test, so that its specs stay out of test:unit (decision 0021)", () => {
    const untagged = projects
      .filter((project) => /(^|\/)tests$/.test(project.root) && !needsServers(project))
      .map((project) => project.root);
    expect(untagged).toEqual([]);
  });

  it('point every endpoint the integration tests read (testEndpoints) at a closed port', () => {
    const source = readFileSync(join(root, 'libs/testing/test-support/src/platform-endpoints.ts'), 'utf8');
    const read = [...source.matchAll(/process\.env\.([A-Z_]+)/g)].map((match) => match[1]);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => !(name in closedEndpoints))).toEqual([]);
  });
});
