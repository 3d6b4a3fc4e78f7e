import { readRepositoryFile } from './repository';

/**
 * An app's settings as docs/configuration.md lists them. That page is held to each app's settings
 * by the apps' config-reference.spec.ts, so what it says is required is what the code requires.
 */
export interface DocumentedSetting {
  variable: string;
  /** The default cell, such as "`3000`" or "`127.0.0.1:9092`; required in production". */
  defaultCell: string;
}

export function documentedSettings(app: string): DocumentedSetting[] {
  const lines = readRepositoryFile('docs/configuration.md').split('\n');
  const start = lines.indexOf(`## ${app}`);
  if (start < 0) throw new Error(`docs/configuration.md has no section "## ${app}"`);
  const settings: DocumentedSetting[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    const cells = line
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    const variable = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1];
    if (variable && cells.length >= 3) settings.push({ variable, defaultCell: cells[1] });
  }
  if (settings.length === 0) throw new Error(`docs/configuration.md's section "## ${app}" has no settings table`);
  return settings;
}

/** What the app refuses to start without in production: no default at all, or a development-only one. */
export function productionRequiredVariables(app: string): string[] {
  return documentedSettings(app)
    .filter(({ defaultCell }) => defaultCell === 'required' || defaultCell.endsWith('; required in production'))
    .map(({ variable }) => variable);
}

/** The app's listeners: each `*_PORT` setting with its default, the public one first. */
export function documentedPorts(app: string): { variable: string; port: number }[] {
  return documentedSettings(app).flatMap(({ variable, defaultCell }) => {
    const port = /^`(\d+)`$/.exec(defaultCell)?.[1];
    return variable.endsWith('_PORT') && port ? [{ variable, port: Number(port) }] : [];
  });
}

/** The JSON of one of the page's development defaults, such as "Development tenant", compacted. */
export function developmentDefault(heading: string): string {
  const markdown = readRepositoryFile('docs/configuration.md');
  const start = markdown.indexOf(`### ${heading}\n`);
  if (start < 0) throw new Error(`docs/configuration.md has no section "### ${heading}"`);
  const block = /```json\n([\s\S]*?)\n```/.exec(markdown.slice(start))?.[1];
  if (block === undefined) throw new Error(`"### ${heading}" has no JSON block`);
  return JSON.stringify(JSON.parse(block));
}
