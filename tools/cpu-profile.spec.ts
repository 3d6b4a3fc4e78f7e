import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuProfileOptions, originOf, profileDirArgument, readCpuProfiles, summarizeCpuProfile } from './cpu-profile';

describe('CPU profile summaries', () => {
  it("charges a real profile's time to the functions that spent it, grouped by the package they come from", () => {
    const work = mkdtempSync(join(tmpdir(), 'cpu-profile-'));
    try {
      mkdirSync(join(work, 'node_modules', 'busy-package'), { recursive: true });
      const spin = (name: string, ms: number) =>
        `function ${name}() { const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }`;
      writeFileSync(join(work, 'node_modules', 'busy-package', 'index.js'), `${spin('packageWork', 150)}\nmodule.exports = packageWork;\n`);
      writeFileSync(join(work, 'main.js'), `${spin('projectWork', 450)}\nprojectWork(); require('busy-package')();\n`);
      execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(work, 'profiles')}`, join(work, 'main.js')], { cwd: work });
      const [profile] = readCpuProfiles(join(work, 'profiles'));
      const summary = summarizeCpuProfile(profile);
      expect(summary.totalMs).toBeGreaterThan(500);
      expect(summary.topFunctions[0]).toMatchObject({ origin: 'project', name: expect.stringMatching(/^projectWork .*main\.js:1$/) });
      expect(summary.topFunctions[0].share).toBeGreaterThan(0.5);
      const packageShare = summary.byOrigin.find((entry) => entry.origin === 'busy-package')?.share ?? 0;
      expect(packageShare).toBeGreaterThan(0.12);
      expect(packageShare).toBeLessThan(summary.topFunctions[0].share);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('reads the newest profile first, none from a missing directory, and refuses --profile without a directory', () => {
    const work = mkdtempSync(join(tmpdir(), 'cpu-profile-'));
    try {
      for (const name of ['first', 'second']) {
        writeFileSync(
          join(work, `${name}.js`),
          `function ${name}Run() { const end = Date.now() + 30; while (Date.now() < end); }\n${name}Run();\n`,
        );
        execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(work, 'profiles')}`, join(work, `${name}.js`)]);
      }
      const [newest] = readCpuProfiles(join(work, 'profiles'));
      expect(newest.nodes.some((node) => node.callFrame.functionName === 'secondRun')).toBe(true);
      expect(readCpuProfiles(join(work, 'nowhere'))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    expect(profileDirArgument(['--rate', '5'])).toBeUndefined();
    expect(profileDirArgument(['--profile', 'tmp/p'])).toBe('tmp/p');
    expect(() => profileDirArgument(['--profile', '--json'])).toThrow('--profile needs the directory');
    expect(cpuProfileOptions('tmp/p')).toEqual(['--cpu-prof', '--cpu-prof-dir=tmp/p']);
    expect(cpuProfileOptions(undefined)).toEqual([]);
  });

  it('names the origin of scoped packages, Node.js internals and V8 entries', () => {
    expect(originOf('file:///app/node_modules/@kafkajs/confluent-schema-registry/dist/x.js', 'decode')).toBe(
      '@kafkajs/confluent-schema-registry',
    );
    expect(originOf('file:///app/node_modules/pg/lib/client.js', 'query')).toBe('pg');
    expect(originOf('node:internal/stream_base_commons', 'writeGeneric')).toBe('node:internal');
    expect(originOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(originOf('/app/dist/apps/inventory-service/main.js', 'recordOrderPlaced')).toBe('project');
  });
});
