import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { readRepositoryFile, repositoryRoot } from './support/repository';

/**
 * Nx writes a bundle's package.json from the root package.json's `dependencies` that the app's
 * projects import in ANY of their files, tests and test helpers included; it leaves out
 * `devDependencies`. So a package only tests use must be a devDependency, or every bundle whose
 * projects it is imported by ships it (decision 0016), and a package production code uses must be a
 * dependency, or the bundle cannot start.
 */
const testCode = (path: string): boolean =>
  /\.(spec|test)\.ts$/.test(path) ||
  path.split('/').includes('testing') ||
  path.startsWith('libs/testing/test-support/') ||
  path.startsWith('apps/platform-e2e/');

function sourceFiles(directory: string): string[] {
  return readdirSync(join(repositoryRoot, directory)).flatMap((entry) => {
    const path = `${directory}/${entry}`;
    if (entry === 'node_modules' || entry === 'generated') return [];
    if (statSync(join(repositoryRoot, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importedPackages(path: string): string[] {
  const text = readFileSync(join(repositoryRoot, path), 'utf8');
  const specifiers = [
    ...text.matchAll(
      /(?:^|\s)(?:import|export)\s[^;]*?from\s+'([^']+)'|(?:^|\s)import\s+'([^']+)'|require\('([^']+)'\)|import\('([^']+)'\)/g,
    ),
  ].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4]);
  return specifiers
    .filter(
      (specifier) =>
        !specifier.startsWith('.') &&
        !specifier.startsWith('node:') &&
        !specifier.startsWith('@consign/') &&
        !builtinModules.includes(specifier.split('/')[0]),
    )
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

const productionFiles = ['apps', 'libs']
  .flatMap((directory) => sourceFiles(directory))
  .map((path) => relative(repositoryRoot, join(repositoryRoot, path)))
  .filter((path) => path.includes('/src/') && !testCode(path));
const usedByProduction = new Map<string, string>();
for (const path of productionFiles)
  for (const name of importedPackages(path)) if (!usedByProduction.has(name)) usedByProduction.set(name, path);
const manifest = JSON.parse(readRepositoryFile('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('package.json: what the production bundles ship', () => {
  it('reads the production sources (a sanity check of the scan)', () => {
    expect(productionFiles.length).toBeGreaterThan(50);
    expect(usedByProduction.get('kafkajs')).toBeDefined();
  });

  it("lists as dependencies only packages production code imports: tests' and tools' packages are devDependencies", () => {
    expect(Object.keys(manifest.dependencies).filter((name) => !usedByProduction.has(name))).toEqual([]);
  });

  it('lists every package production code imports as a dependency', () => {
    const missing = [...usedByProduction]
      .filter(([name]) => manifest.dependencies[name] === undefined)
      .map(([name, path]) => `${name} (${path})`);
    expect(missing).toEqual([]);
  });
});
