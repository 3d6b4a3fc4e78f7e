import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repositoryRoot = join(__dirname, '../../..');

export function readRepositoryFile(path: string): string {
  return readFileSync(join(repositoryRoot, path), 'utf8');
}

interface BuildTarget {
  executor?: string;
  options?: { outputPath?: string; generatePackageJson?: boolean };
}

/** Built but never deployed: operators run it from a checkout (`npm run ops`) or as its standalone bundle (`node main.js`). */
const notDeployed = new Set(['ops-cli']);

/**
 * The deployable apps: every app whose build makes a production bundle (esbuild, with a generated
 * package.json), but the CLI. A new app is deployed, and so checked here, without being listed.
 */
export function deployableApps(): { name: string; bundle: string }[] {
  const apps: { name: string; bundle: string }[] = [];
  for (const directory of readdirSync(join(repositoryRoot, 'apps')).sort()) {
    let project: { name: string; targets?: { build?: BuildTarget } };
    try {
      project = JSON.parse(readRepositoryFile(`apps/${directory}/project.json`)) as typeof project;
    } catch {
      continue;
    }
    const build = project.targets?.build;
    if (build?.executor !== '@nx/esbuild:esbuild' || build.options?.generatePackageJson !== true || notDeployed.has(project.name)) continue;
    apps.push({ name: project.name, bundle: join(repositoryRoot, build.options.outputPath ?? `dist/apps/${project.name}`) });
  }
  return apps;
}
