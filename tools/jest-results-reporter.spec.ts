import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the Jest results reporter', () => {
  it("records counts, each failure with its test name and first lines, and each suite's duration, for npm test to close with", () => {
    const work = mkdtempSync(join(tmpdir(), 'reporter-'));
    try {
      const results = join(work, 'results');
      writeFileSync(
        join(work, 'sample.spec.js'),
        "it('passes', () => expect(1).toBe(1));\ndescribe('a payout', () => { it('adds up', () => expect(2 + 2).toBe(5)); });\n",
      );
      const config = JSON.stringify({ rootDir: work, transform: {}, reporters: [join(__dirname, 'jest-results-reporter.js')] });
      try {
        execFileSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', config, '--ci'], {
          cwd: work,
          env: { ...process.env, TEST_RESULTS_DIR: results },
          stdio: 'pipe',
        });
        throw new Error('the sample run was expected to fail');
      } catch (error) {
        expect((error as { status?: number }).status).toBe(1);
      }
      const [file] = readdirSync(results);
      const recorded = JSON.parse(readFileSync(join(results, file), 'utf8'));
      expect(recorded).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
      expect(recorded.failures).toEqual([
        {
          file: expect.stringMatching(/sample\.spec\.js$/),
          test: 'a payout adds up',
          message: expect.stringContaining('Expected: 5'),
          during: [expect.any(Number), expect.any(Number)],
        },
      ]);
      expect(recorded.failures[0].during[0]).toBeLessThanOrEqual(recorded.failures[0].during[1]);
      expect(recorded.suites).toEqual([{ file: expect.stringMatching(/sample\.spec\.js$/), seconds: expect.any(Number) }]);
      expect(recorded.suites[0].seconds).toBeGreaterThan(0);
      expect(recorded.failures[0].message).not.toContain('\u001b[');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
