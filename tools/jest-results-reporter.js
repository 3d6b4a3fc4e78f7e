const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');

/**
 * Records each Jest run's counts, the name and first lines of every failure, and each suite's
 * duration in TEST_RESULTS_DIR, so that `npm test` can close with one total over every project,
 * repeat what failed where a truncated CI log still shows it, and name the slowest suites (CI has a
 * time budget). Does nothing when the variable is unset.
 */
class ResultsReporter {
  onRunComplete(_contexts, results) {
    const dir = process.env.TEST_RESULTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const name = relative(root, process.cwd()).replace(/[\\/]/g, '__') || 'root';
    const failures = [];
    const suites = [];
    for (const suite of results.testResults) {
      const file = relative(root, suite.testFilePath);
      // When the suite ran, so that what the servers logged meanwhile can be shown beside its failures.
      const during = [suite.perfStats.start, suite.perfStats.end];
      suites.push({ file, seconds: Math.max(0, suite.perfStats.end - suite.perfStats.start) / 1000 });
      if (suite.testExecError)
        failures.push({ file, test: '(suite failed to run)', message: firstLines(suite.testExecError.message), during });
      for (const test of suite.testResults) {
        if (test.status === 'failed')
          failures.push({ file, test: test.fullName, message: firstLines(test.failureMessages.join('\n')), during });
      }
    }
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        failures,
        suites,
      }),
    );
  }
}

/** The message without colour codes, cut to the lines that say what went wrong. */
function firstLines(text) {
  // eslint-disable-next-line no-control-regex
  const plain = String(text).replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 12)
    .join('\n');
}

module.exports = ResultsReporter;
