import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { libraryFolders, projectFolders, repositoryRoot } from './repository-layout';

describe('the repository layout', () => {
  it('finds the repository root', () => {
    expect(existsSync(join(repositoryRoot, 'nx.json'))).toBe(true);
  });

  it('lists every lib, each in a band, and every app', () => {
    const projectFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*/project.json'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => /^(apps\/[^/]+|libs\/[^/]+\/[^/]+)\/project\.json$/.test(file))
      .map((file) => file.replace(/\/project\.json$/, ''))
      .sort();
    expect(projectFolders()).toEqual(expect.arrayContaining(projectFiles));
    expect(libraryFolders().every((folder) => /^libs\/(platform|services|testing)\/[a-z-]+$/.test(folder))).toBe(true);
    expect(projectFiles.filter((folder) => folder.startsWith('libs/'))).toEqual(libraryFolders());
  });
});
