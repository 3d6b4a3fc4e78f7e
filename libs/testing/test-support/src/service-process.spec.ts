import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from './index';

describe('startServiceProcess', () => {
  it("starts a service with the platform's Node.js options: V8's young generation stays at 32 MiB, kafkajs' negative timer is not reported", async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'service-process-')), 'young-generation.js');
    // Short-lived garbage, as a service makes per request, until V8 has grown the young generation as far as it will.
    writeFileSync(
      script,
      `const v8 = require('node:v8');
let kept = [];
for (let i = 0; i < 3e6; i++) { kept.push({ i, text: 'x' + i }); if (kept.length > 20000) kept = []; }
const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
setTimeout(() => undefined, -1 - Date.now());
process.stdout.write(JSON.stringify({ execArgv: process.execArgv, youngMiB: young.space_size / 1048576 }));`,
    );
    // Without the test run's own NODE_OPTIONS, so that only the service options are in force.
    const run = startServiceProcess(script, [], { NODE_OPTIONS: '' });
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toContain('is a negative number');
    const report = JSON.parse(run.output()) as { execArgv: string[]; youngMiB: number };
    expect(report.execArgv).toContain('--max-semi-space-size=16');
    expect(report.youngMiB).toBeLessThanOrEqual(32);
  });
});
