import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repositoryRoot = resolve(__dirname, '../../../..');

/** The bands libs are grouped in (decision 0028): plumbing, business, and test-only code. */
export const libraryBands = ['platform', 'services', 'testing'] as const;

/** Every lib's folder, repository-relative: `libs/<band>/<name>`. */
export function libraryFolders(root: string = repositoryRoot): string[] {
  return libraryBands.flatMap((band) => {
    const bandFolder = join(root, 'libs', band);
    return existsSync(bandFolder)
      ? readdirSync(bandFolder)
          .sort()
          .map((name) => `libs/${band}/${name}`)
      : [];
  });
}

/** Every app's and lib's folder, repository-relative. */
export function projectFolders(root: string = repositoryRoot): string[] {
  return [
    ...readdirSync(join(root, 'apps'))
      .sort()
      .map((name) => `apps/${name}`),
    ...libraryFolders(root),
  ];
}
