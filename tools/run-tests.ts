import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './local-processes';
import { acquirePlatformInfra } from './platform-infra';
import { assertPinnedRuntime } from './pinned-runtime';
import { serverWarningsDuring } from './server-warnings';

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
    log("checking the repo's Avro schemas against what the registry holds");
    code = await runCommand('npx', ['tsx', join(__dirname, 'check-schema-compatibility.ts')], { ...process.env, ...infra.env });
    if (code !== 0) return code;
    const env = {
      ...process.env,
      ...infra.env,
      // The tests ask for development: its tenant and key. Production is what any other value means.
      NODE_ENV: 'development',
      TEST_RESULTS_DIR: resultsDir,
    };
    const runMany = (targets: string[], parallel: number) =>
      runCommand(
        'npx',
        ['nx', 'run-many', '-t', ...targets, `--parallel=${parallel}`, '--outputStyle=stream', '--skip-nx-cache', ...process.argv.slice(2)],
        env,
      );
    // Type checks touch no server, so two run at once; tests run one project at a time, because
    // several of them measure time or load the machine on purpose.
    const typecheck = await runMany(['typecheck'], 2);
    // Lint is one ESLint run over the repository rather than each project's lint target: the same
    // configuration, loaded once instead of 57 times (25 s instead of 2.5 min here). It follows the
    // type checks, whose run leaves the project graph that Nx's boundary rule reads.
    log('linting the repository');
    const lint = await runCommand('npx', ['eslint', '.', '--max-warnings=0'], env);
    const tests = await runMany(['test'], 1);
    code = [typecheck, lint, tests].find((step) => step !== 0) ?? 0;
  } finally {
    if (process.env.INFRA_KEEP === '1') log('INFRA_KEEP=1: leaving the infrastructure running');
    else await infra.release();
  }
  const totals = testTotals();
  log(
    `${code === 0 ? 'all checks passed' : interrupted ? 'interrupted' : 'checks FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  const slowest = [...totals.suites].sort((a, b) => b.seconds - a.seconds).slice(0, 12);
  console.log(`slowest suites: ${slowest.map((suite) => `\n  ${suite.seconds.toFixed(1).padStart(7)} s  ${suite.file}`).join('')}`);
  for (const { log, file, lines } of serverWarningsDuring(join(__dirname, '../infra/local/.run/logs'), totals.failures)) {
    console.log(`${log} warned ${lines.length} time(s) while ${file} ran; the last ones:`);
    for (const line of lines.slice(-8)) console.log(`    ${line.slice(0, 240)}`);
  }
  for (const failure of totals.failures)
    console.log(`failed: ${failure.file} › ${failure.test}\n${failure.message.replace(/^/gm, '    ')}`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return code === 0 && totals.failed === 0 ? 0 : 1;
}

/** Sums what every project's Jest run recorded (tools/jest-results-reporter.js), and gathers its failures and suite durations. */
interface TestFailure {
  file: string;
  test: string;
  message: string;
  /** When its suite started and ended, in ms since the epoch. */
  during?: [number, number];
}

interface SuiteDuration {
  file: string;
  seconds: number;
}

function testTotals(): { passed: number; failed: number; skipped: number; failures: TestFailure[]; suites: SuiteDuration[] } {
  const totals = { passed: 0, failed: 0, skipped: 0, failures: [] as TestFailure[], suites: [] as SuiteDuration[] };
  if (!existsSync(resultsDir)) return totals;
  for (const file of readdirSync(resultsDir)) {
    const counts = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as typeof totals;
    totals.failures.push(...(counts.failures ?? []));
    totals.suites.push(...(counts.suites ?? []));
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
