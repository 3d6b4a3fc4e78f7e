import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Decision 0021: no app or lib depends on test code (libs/testing/test-support, tagged type:testing, and the
 * type:test projects in tests/ folders), so a change to a test helper leaves every app unaffected and
 * `nx affected` redeploys only what changed. Lint refuses such an import; this holds the whole
 * project graph to it, edges Nx infers beyond lint's reach included.
 */
const workspace = resolve(__dirname, '..');

function nx(args: string[]): string {
  return execFileSync(process.execPath, [join(workspace, 'node_modules/.bin/nx'), ...args], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
}

interface ProjectGraph {
  nodes: Record<string, { data: { root: string; tags?: string[] } }>;
  dependencies: Record<string, { target: string }[]>;
}

let graph: ProjectGraph;

beforeAll(() => {
  const directory = mkdtempSync(join(tmpdir(), 'project-graph-'));
  try {
    nx(['graph', `--file=${join(directory, 'graph.json')}`]);
    graph = (JSON.parse(readFileSync(join(directory, 'graph.json'), 'utf8')) as { graph: ProjectGraph }).graph;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}, 60_000);

const tagged = (tag: string): string[] =>
  Object.keys(graph.nodes)
    .filter((name) => graph.nodes[name].data.tags?.includes(tag))
    .sort();
const testCode = (): string[] => [...tagged('type:testing'), ...tagged('type:test')];

/** Every path from `start` to a project in `targets`, as `a -> b -> c`. */
function pathsTo(start: string, targets: Set<string>): string[] {
  const found: string[] = [];
  const seen = new Set<string>([start]);
  const walk = (project: string, path: string[]): void => {
    for (const { target } of graph.dependencies[project] ?? []) {
      if (targets.has(target)) found.push([...path, target].join(' -> '));
      else if (graph.nodes[target] && !seen.has(target)) {
        seen.add(target);
        walk(target, [...path, target]);
      }
    }
  };
  walk(start, [start]);
  return found;
}

describe('the project graph: deployables do not depend on test code', () => {
  it('knows the test code and the deployables (a sanity check of the graph)', () => {
    expect(testCode()).toContain('test-support');
    expect(tagged('type:test').length).toBeGreaterThan(5);
    expect(tagged('type:app')).toContain('gateway');
  });

  it('has no path from an app or a lib to test-support or a tests/ project', () => {
    const targets = new Set(testCode());
    const paths = [...tagged('type:app'), ...tagged('type:lib')].flatMap((project) => pathsTo(project, targets));
    expect(paths).toEqual([]);
  });

  it('affects no app when test code changes, and every app when a lib they share does', () => {
    const affectedApps = (files: string[]): string[] =>
      (JSON.parse(nx(['show', 'projects', '--affected', `--files=${files.join(',')}`, '--type=app', '--json'])) as string[]).sort();
    const testFiles = testCode().map((project) => `${graph.nodes[project].data.root}/project.json`);
    expect(affectedApps(['libs/testing/test-support/src/index.ts', ...testFiles])).toEqual([]);
    expect(affectedApps(['libs/platform/errors/src/index.ts'])).toEqual(tagged('type:app'));
  }, 60_000);
});
