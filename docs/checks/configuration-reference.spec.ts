import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { documentedVariables, projectFolders } from '@consign/test-support';

const repository = resolve(__dirname, '../..');

/**
 * Variables named where they are read: `process.env.X`, `env.X`, `env['X']`, and the first argument
 * of the settings helpers (`port('GATEWAY_PORT', 3000)`). Blind to names that are built or passed
 * through: template literals such as `${prefix}_PORT` (the per-app config-reference specs cover
 * those), `process.env[name]` inside a helper (`intFromEnv(env, 'KAFKA_PORT', 9092)`), lists of
 * names (tools/platform-apps.ts), destructuring, and what child processes such as Kafka read.
 */
const reads = [
  /\benv\.([A-Z][A-Z0-9_]*)\b/g,
  /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
  /\b(?:text|integer|port|durationMs|list|url|oneOf|json|setting)\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
];

function productionSources(): string[] {
  const roots = [...projectFolders(repository).map((project) => join(project, 'src')), 'tools', 'infra/local/src'];
  return roots.flatMap((root) => sourcesUnder(join(repository, root)));
}

function sourcesUnder(directory: string): string[] {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' || entry.name === 'node_modules' ? [] : sourcesUnder(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('docs/configuration.md', () => {
  it('lists every environment variable the production source reads', () => {
    const documented = documentedVariables();
    const undocumented = new Set<string>();
    for (const file of productionSources()) {
      const source = readFileSync(file, 'utf8');
      for (const pattern of reads) {
        for (const [, variable] of source.matchAll(pattern)) {
          if (!documented.has(variable)) undocumented.add(`${variable} (${relative(repository, file)})`);
        }
      }
    }
    expect([...undocumented].sort()).toEqual([]);
  });
});
