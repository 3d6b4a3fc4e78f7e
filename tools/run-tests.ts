import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './local-processes';
import { acquirePlatformInfra } from './platform-infra';
import { assertPinnedRuntime } from './pinned-runtime';

const resultsDir = join(__dirname, '../tmp/test-results');

/**
 * `npm test`: the schema compatibility check, then every check of every project (types, lint, unit
 * and integration tests) against the real Kafka, schema registry and PostgreSQL, started here when they are not running. What this
 * run started is stopped at the end unless INFRA_KEEP=1.
 */
async function main(): Promise<number> {
  assertPinnedRuntime('npm test');
  const startedAt = Date.now();
  const log = (line: string): void => console.log(`[test] ${line}`);
  rmSync(resultsDir, { recursive: true, force: true });
  const infra = await acquirePlatformInfra({ allowDocker: true, log });
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true));
  log(`infrastructure ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${infra.origin})`);
  let code = 1;
  try {
    log('checking the repo\'s Avro schemas against what the registry holds');
    code = await runCommand('npx', ['tsx', join(__dirname, 'check-schema-compatibility.ts')], { ...process.env, ...infra.env });
    if (code !== 0) return code;
    code = await runCommand('npx', ['nx', 'run-many', '-t', 'typecheck', 'lint', 'test', '--outputStyle=stream', '--skip-nx-cache', ...process.argv.slice(2)], {
      ...process.env,
      ...infra.env,
      // The tests ask for development: its tenant and key. Production is what any other value means.
      NODE_ENV: 'development',
      TEST_RESULTS_DIR: resultsDir,
    });
  } finally {
    if (process.env.INFRA_KEEP === '1') log('INFRA_KEEP=1: leaving the infrastructure running');
    else await infra.release();
  }
  const totals = testTotals();
  log(`${code === 0 ? 'all checks passed' : interrupted ? 'interrupted' : 'checks FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return code === 0 && totals.failed === 0 ? 0 : 1;
}

/** Sums what every project's Jest run recorded (tools/jest-results-reporter.js). */
function testTotals(): { passed: number; failed: number; skipped: number } {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  if (!existsSync(resultsDir)) return totals;
  for (const file of readdirSync(resultsDir)) {
    const counts = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as typeof totals;
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  }
  return totals;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] ${(error as Error).message}`);
    process.exit(1);
  },
);
