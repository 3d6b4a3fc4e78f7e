import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { libraryFolders } from '@consign/test-support';

/**
 * The layout's rules (decision 0028) are lint rules; these cases prove each one is enforced, by
 * linting a probe file as if it stood at a given path.
 */
const root = resolve(__dirname, '..');
const eslintBin = resolve(root, 'node_modules/eslint/bin/eslint.js');

const nxBin = resolve(root, 'node_modules/nx/dist/bin/nx.js');
const withoutDaemon = { ...process.env, NX_DAEMON: 'false' };

/** ESLint loads its flat config by dynamic import, which Jest's sandbox refuses: run its CLI. */
function problemsOf(path: string, source: string): Promise<string[]> {
  return new Promise((resolveProblems, reject) => {
    const child = execFile(
      process.execPath,
      [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', resolve(root, path)],
      { cwd: root, env: withoutDaemon, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error && error.code !== 1) return reject(error);
        const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
        resolveProblems(result.messages.map((message) => `${message.ruleId}: ${message.message}`));
      },
    );
    child.stdin?.end(source);
  });
}

describe('the layout rules', () => {
  jest.setTimeout(120_000);

  // Nx's boundary rule reads the cached project graph, and skips itself (with a warning) when there is none.
  beforeAll(
    () =>
      new Promise<void>((done, fail) =>
        execFile(process.execPath, [nxBin, 'show', 'projects'], { cwd: root, env: withoutDaemon }, (error) =>
          error ? fail(error) : done(),
        ),
      ),
    180_000,
  );

  it('keep domain/ free of I/O', async () => {
    const problems = await problemsOf(
      'libs/services/earnings/src/domain/probe.ts',
      "import { DataSource } from 'typeorm';\nimport { Pool } from 'pg';\nexport const probe = [DataSource, Pool];\n",
    );
    expect(problems).toEqual([
      expect.stringMatching(/no-restricted-imports: 'typeorm'.*domain\/ holds pure rules/),
      expect.stringMatching(/no-restricted-imports: 'pg'/),
    ]);
  });

  it('keep domain/ from importing its own adapters', async () => {
    expect(
      await problemsOf(
        'libs/services/inventory/src/domain/probe.ts',
        "import { itemStatus } from '../persistence/items';\nexport const probe = itemStatus;\n",
      ),
    ).toEqual([expect.stringMatching(/no-restricted-imports: .*adapters depend on it/)]);
    expect(
      await problemsOf(
        'libs/services/inventory/src/domain/probe.ts',
        "import { itemStatus } from './item-status';\nexport const probe = itemStatus;\n",
      ),
    ).toEqual([]);
  });

  it('keep the platform band from importing the business', async () => {
    expect(
      await problemsOf(
        'libs/platform/monitoring/src/probe.ts',
        "import { createNotificationReadRouter } from '@consign/notifications';\nexport const probe = createNotificationReadRouter;\n",
      ),
    ).toEqual([
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

  it('keep one service’s lib out of another’s', async () => {
    expect(
      await problemsOf(
        'libs/services/inventory/src/probe.ts',
        "import { createNotificationReadRouter } from '@consign/notifications';\nexport const probe = createNotificationReadRouter;\n",
      ),
    ).toEqual([expect.stringMatching(/@nx\/enforce-module-boundaries: A project tagged with "scope:inventory" can only depend on/)]);
  });

  it('let only test code use the test shelf', async () => {
    const probe = "import { waitFor } from '@consign/test-support';\nexport const probe = waitFor;\n";
    const refused = [
      expect.stringMatching(
        /@nx\/enforce-module-boundaries: A project tagged with "type:(lib|app)" can only depend on libs tagged with "type:lib"/,
      ),
    ];
    expect(await problemsOf('libs/services/earnings/src/probe.ts', probe)).toEqual(refused);
    expect(await problemsOf('libs/platform/monitoring/src/probe.ts', probe)).toEqual(refused);
    expect(await problemsOf('apps/earnings-service/src/probe.ts', probe)).toEqual(refused);
    expect(await problemsOf('libs/services/earnings/tests/probe.spec.ts', probe)).toEqual([]);
    expect(await problemsOf('apps/platform-e2e/src/probe.spec.ts', probe)).toEqual([]);
    expect(await problemsOf('tools/probe.ts', probe)).toEqual([]);
  });

  it('enforce one format', async () => {
    expect(await problemsOf('libs/services/earnings/src/probe.ts', 'export const probe = {a:1};\n')).toEqual([
      expect.stringMatching(/^prettier\/prettier: /),
    ]);
    expect(await problemsOf('libs/services/earnings/src/probe.ts', 'export const probe = { a: 1 };\n')).toEqual([]);
  });
});
