import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { libraryFolders } from '@consign/test-support';

/**
 * The layout's rules (decision 0028) are lint rules; these cases prove each one is enforced, by
 * linting a probe file as if it stood at a given path. Every probe is linted in one ESLint run, so
 * its configuration and the project graph load once.
 */
const root = resolve(__dirname, '..');
const nxBin = resolve(root, 'node_modules/nx/dist/bin/nx.js');
const withoutDaemon = { ...process.env, NX_DAEMON: 'false' };

const pureImport = "import { itemStatus } from './item-status';\nexport const probe = itemStatus;\n";
const testShelfImport = "import { waitFor } from '@consign/test-support';\nexport const probe = waitFor;\n";
const notificationsImport =
  "import { createNotificationReadRouter } from '@consign/notifications';\nexport const probe = createNotificationReadRouter;\n";

/** Each probe: the path it is linted as, and its source. */
const probes = {
  domainIo: [
    'libs/services/earnings/src/domain/probe.ts',
    "import { DataSource } from 'typeorm';\nimport { Pool } from 'pg';\nexport const probe = [DataSource, Pool];\n",
  ],
  domainAdapter: [
    'libs/services/inventory/src/domain/probe.ts',
    "import { itemStatus } from '../store/items';\nexport const probe = itemStatus;\n",
  ],
  domainPure: ['libs/services/inventory/src/domain/probe.ts', pureImport],
  platformBusiness: ['libs/platform/monitoring/src/probe.ts', notificationsImport],
  serviceOther: ['libs/services/inventory/src/probe.ts', notificationsImport],
  shelfInServiceLib: ['libs/services/earnings/src/probe.ts', testShelfImport],
  shelfInPlatformLib: ['libs/platform/monitoring/src/probe.ts', testShelfImport],
  shelfInApp: ['apps/earnings-service/src/probe.ts', testShelfImport],
  shelfInLibTests: ['libs/services/earnings/tests/probe.spec.ts', testShelfImport],
  shelfInE2e: ['apps/platform-e2e/src/probe.spec.ts', testShelfImport],
  shelfInTools: ['tools/probe.ts', testShelfImport],
  unformatted: ['libs/services/earnings/src/probe.ts', 'export const probe = {a:1};\n'],
  formatted: ['libs/services/earnings/src/probe.ts', 'export const probe = { a: 1 };\n'],
} satisfies Record<string, [path: string, source: string]>;

/** Runs in a child process: ESLint loads its flat config by dynamic import, which Jest's sandbox refuses. */
const lintProbes = `
const { ESLint } = require('eslint');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const problems = {};
  for (const [name, [path, source]] of Object.entries(JSON.parse(input))) {
    const [result] = await eslint.lintText(source, { filePath: require('node:path').resolve(path) });
    problems[name] = result.messages.map((message) => message.ruleId + ': ' + message.message);
  }
  process.stdout.write(JSON.stringify(problems));
});`;

function run(args: string[], stdin?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(process.execPath, args, { cwd: root, env: withoutDaemon, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      error ? fail(error) : done(stdout),
    );
    child.stdin?.end(stdin ?? '');
  });
}

let problems: Record<keyof typeof probes, string[]>;

describe('the layout rules', () => {
  beforeAll(async () => {
    // Nx's boundary rule reads the cached project graph, and skips itself (with a warning) when there is none.
    await run([nxBin, 'show', 'projects']);
    problems = JSON.parse(await run(['-e', lintProbes], JSON.stringify(probes))) as typeof problems;
  }, 240_000);

  it('keep domain/ free of I/O', () => {
    expect(problems.domainIo).toEqual([
      expect.stringMatching(/no-restricted-imports: 'typeorm'.*domain\/ holds pure rules/),
      expect.stringMatching(/no-restricted-imports: 'pg'/),
    ]);
  });

  it('keep domain/ from importing its own adapters', () => {
    expect(problems.domainAdapter).toEqual([expect.stringMatching(/no-restricted-imports: .*adapters depend on it/)]);
    expect(problems.domainPure).toEqual([]);
  });

  it('keep the platform band from importing the business', () => {
    expect(problems.platformBusiness).toEqual([
      expect.stringMatching(/@nx\/enforce-module-boundaries: A project tagged with "(scope:shared|band:platform)" can only depend on/),
    ]);
  });

  it('tag each lib with its band, and each business lib with the part it serves', () => {
    for (const folder of libraryFolders()) {
      const [, band] = folder.split('/');
      const { tags } = JSON.parse(readFileSync(join(root, folder, 'project.json'), 'utf8')) as { tags: string[] };
      expect({ folder, band: tags.filter((tag) => tag.startsWith('band:')) }).toEqual({ folder, band: [`band:${band}`] });
      if (band === 'services') expect({ folder, scope: tags.includes('scope:shared') }).toEqual({ folder, scope: false });
      if (band === 'testing') expect({ folder, type: tags.includes('type:testing') }).toEqual({ folder, type: true });
    }
  });

  it('keep one service’s lib out of another’s', () => {
    expect(problems.serviceOther).toEqual([
      expect.stringMatching(/@nx\/enforce-module-boundaries: A project tagged with "scope:inventory" can only depend on/),
    ]);
  });

  it('let only test code use the test shelf', () => {
    const refused = [
      expect.stringMatching(
        /@nx\/enforce-module-boundaries: A project tagged with "type:(lib|app)" can only depend on libs tagged with "type:lib"/,
      ),
    ];
    expect(problems.shelfInServiceLib).toEqual(refused);
    expect(problems.shelfInPlatformLib).toEqual(refused);
    expect(problems.shelfInApp).toEqual(refused);
    expect(problems.shelfInLibTests).toEqual([]);
    expect(problems.shelfInE2e).toEqual([]);
    expect(problems.shelfInTools).toEqual([]);
  });

  it('enforce one format', () => {
    expect(problems.unformatted).toEqual([expect.stringMatching(/^prettier\/prettier: /)]);
    expect(problems.formatted).toEqual([]);
  });
});
