import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Setting, SettingSpec } from '@consign/config';
import { repositoryRoot } from './repository-layout';

/**
 * docs/configuration.md, read against the settings it describes. An app's table has the columns
 * variable | default | meaning, and a default is one of
 *   `value`            what an unset variable means, written as an operator would set it
 *   [name](#section)   the same, kept in the first code block of that section (too long for a cell)
 *   required           no default: the app refuses to start without it
 *   unset              no default and none needed (the meaning says what happens)
 * optionally followed by `; <one of those> in production` when production (NODE_ENV anything but
 * `development`) differs.
 */
const referencePath = join(repositoryRoot, 'docs/configuration.md');

type DocumentedDefault = { kind: 'value'; written: string; cell: string } | { kind: 'required' } | { kind: 'unset' };

interface DocumentedSetting {
  variable: string;
  development: DocumentedDefault;
  production: DocumentedDefault;
}

/**
 * What is wrong in the table under `heading` for the settings `settingsFor` builds: variables
 * missing or extra, and defaults that do not mean what the setting really defaults to, in
 * development (NODE_ENV=development) and in production (NODE_ENV unset). Empty when the table is right.
 */
export function configurationReferenceProblems(heading: string, settingsFor: (env: NodeJS.ProcessEnv) => SettingSpec): string[] {
  const problems: string[] = [];
  const rows = documentedSettings(readFileSync(referencePath, 'utf8'), heading, problems);
  if (rows === undefined) return problems;
  const documented = new Map(rows.map((row) => [row.variable, row]));
  const development = byVariable(settingsFor({ NODE_ENV: 'development' }));
  const production = byVariable(settingsFor({}));
  for (const variable of new Set([...development.keys(), ...production.keys()])) {
    if (!documented.has(variable)) problems.push(`${heading}: ${variable} is read but not documented`);
  }
  for (const [variable, row] of documented) {
    const inDevelopment = development.get(variable);
    const inProduction = production.get(variable);
    if (inDevelopment === undefined || inProduction === undefined) {
      problems.push(`${heading}: ${variable} is documented but not read`);
      continue;
    }
    const developmentProblems = defaultProblems(inDevelopment, row.development);
    const productionProblems = defaultProblems(inProduction, row.production);
    // A row without a production default claims one default for both: a wrong one is reported once.
    if (isDeepStrictEqual(developmentProblems, productionProblems)) {
      problems.push(...developmentProblems.map((problem) => `${heading}: ${variable}: ${problem}`));
    } else {
      problems.push(...developmentProblems.map((problem) => `${heading}: ${variable} (development): ${problem}`));
      problems.push(...productionProblems.map((problem) => `${heading}: ${variable} (production): ${problem}`));
    }
  }
  return problems;
}

/** Every variable named in the first column of a table anywhere in docs/configuration.md. */
export function documentedVariables(): Set<string> {
  const variables = new Set<string>();
  for (const line of readFileSync(referencePath, 'utf8').split('\n')) {
    const variable = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line)?.[1];
    if (variable) variables.add(variable);
  }
  return variables;
}

function byVariable(spec: SettingSpec): Map<string, Setting<unknown>> {
  return new Map(Object.values(spec).map((entry) => [entry.variable, entry]));
}

function defaultProblems(entry: Setting<unknown>, documented: DocumentedDefault): string[] {
  const real = attempt(() => entry.parse(undefined));
  switch (documented.kind) {
    case 'required':
      return real.ok ? [`documented as required, but defaults to ${shown(real.value)}`] : [];
    case 'unset':
      if (!real.ok) return [`documented as unset, but is required (${real.error})`];
      return isNothing(real.value) ? [] : [`documented as unset, but defaults to ${shown(real.value)}`];
    case 'value': {
      if (!real.ok) return [`documented default ${documented.cell}, but it is required (${real.error})`];
      if (isNothing(real.value)) return [`documented default ${documented.cell}, but it is unset`];
      // Compared by meaning, not by spelling: `2s` and `2000` are the same default.
      const written = attempt(() => entry.parse(documented.written));
      if (!written.ok) return [`documented default ${documented.cell} is not a valid value (${written.error})`];
      return isDeepStrictEqual(written.value, real.value)
        ? []
        : [`documented default ${documented.cell} means ${shown(written.value)}, the real default is ${shown(real.value)}`];
    }
  }
}

function documentedSettings(markdown: string, heading: string, problems: string[]): DocumentedSetting[] | undefined {
  const section = sectionLines(markdown, (text) => text === heading);
  if (section === undefined) {
    problems.push(`docs/configuration.md has no heading "${heading}"`);
    return undefined;
  }
  const table = firstTable(section);
  if (table === undefined || table[0].join('|') !== 'variable|default|meaning') {
    problems.push(`${heading}: expected a table with the columns variable | default | meaning right under the heading`);
    return undefined;
  }
  const term = String.raw`\`[^\`]*\`|\[[^\]]*\]\(#[^)]+\)|required|unset`;
  const defaultCell = new RegExp(`^(${term})(?:; (${term}) in production)?$`);
  const rows: DocumentedSetting[] = [];
  for (const [variableCell, defaultText] of table.slice(2)) {
    const variable = /^`([A-Z][A-Z0-9_]*)`$/.exec(variableCell)?.[1];
    if (variable === undefined) {
      problems.push(`${heading}: "${variableCell}" is not a variable name in backticks`);
      continue;
    }
    if (rows.some((row) => row.variable === variable)) problems.push(`${heading}: ${variable} is documented twice`);
    const match = defaultCell.exec(defaultText);
    if (match === null) {
      problems.push(
        `${heading}: ${variable}: default "${defaultText}" is not \`value\`, [name](#section), required or unset, optionally followed by "; … in production"`,
      );
      continue;
    }
    const development = documentedDefault(markdown, match[1], problems);
    rows.push({
      variable,
      development,
      production: match[2] === undefined ? development : documentedDefault(markdown, match[2], problems),
    });
  }
  return rows;
}

function documentedDefault(markdown: string, term: string, problems: string[]): DocumentedDefault {
  if (term === 'required' || term === 'unset') return { kind: term };
  if (term.startsWith('`')) return { kind: 'value', written: term.slice(1, -1), cell: term };
  const anchor = term.slice(term.indexOf('(#') + 2, -1);
  const section = sectionLines(markdown, (text) => slug(text) === anchor);
  const block = section && /^```[^\n]*\n([\s\S]*?)\n```$/m.exec(section.join('\n'));
  if (!block) problems.push(`${term}: docs/configuration.md has no section #${anchor} with a code block`);
  return { kind: 'value', written: block ? block[1].trim() : '', cell: term };
}

/** The lines under the first heading that `matches`, up to the next heading. */
function sectionLines(markdown: string, matches: (headingText: string) => boolean): string[] | undefined {
  const lines = markdown.split('\n');
  const isHeading = (line: string): boolean => /^#{1,6} /.test(line);
  const start = lines.findIndex((line) => isHeading(line) && matches(line.replace(/^#+ /, '').trim()));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && isHeading(line));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The first table's rows, cells trimmed; `\|` inside a cell is a literal bar, as in GitHub's Markdown. */
function firstTable(lines: string[]): string[][] | undefined {
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end).map((line) =>
    line
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.replace(/\\\|/g, '|').trim()),
  );
}

/** GitHub's anchor for a heading. */
function slug(headingText: string): string {
  return headingText
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

function attempt(parse: () => unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What an optional setting without a default yields. */
function isNothing(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
