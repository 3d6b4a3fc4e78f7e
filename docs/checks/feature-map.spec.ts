import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The README's "Where each feature lives" table sends a newcomer to folders and files: each must
 * exist. A path starting with `src/` or `templates/` is inside the project named before it in the
 * same row, and a bare file name sits beside the file named before it.
 */
const repository = resolve(__dirname, '../..');

function featureRows(): Array<{ feature: string; paths: string[] }> {
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Where each feature lives'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| feature') && !line.startsWith('|---'))
    .map((line) => {
      const [, feature, where] = line.split('|').map((cell) => cell.trim());
      return {
        feature,
        paths: [...where.matchAll(/`([^`]+)`/g)].map(([, path]) => path).filter((path) => /[/.]/.test(path) && !/^[a-z]+[A-Z]/.test(path)),
      };
    });
}

function projectOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'apps' ? parts.slice(0, 2).join('/') : parts.slice(0, 3).join('/');
}

describe("the README's feature map", () => {
  const rows = featureRows();

  it('has rows', () => {
    expect(rows.length).toBeGreaterThan(10);
  });

  it.each(rows.map((row) => [row.feature, row.paths] as const))('points at what exists: %s', (_feature, paths) => {
    expect(paths.length).toBeGreaterThan(0);
    let previous = '';
    const missing: string[] = [];
    for (const path of paths) {
      const full = /^(src|templates)\//.test(path)
        ? join(projectOf(previous), path)
        : path.includes('/')
          ? path
          : join(dirname(previous), path);
      if (!existsSync(join(repository, full))) missing.push(full);
      previous = full;
    }
    expect(missing).toEqual([]);
  });
});
