import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from './index';

describe('startServiceProcess', () => {
  it("starts a service with the platform's Node.js options, which keep V8's young generation at 32 MiB", async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'service-process-')), 'young-generation.js');
    // Short-lived garbage, as a service makes per request, until V8 has grown the young generation as far as it will.
    writeFileSync(
      script,
      `const v8 = require('node:v8');
let kept = [];
for (let i = 0; i < 3e6; i++) { kept.push({ i, text: 'x' + i }); if (kept.length > 20000) kept = []; }
const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
process.stdout.write(JSON.stringify({ execArgv: process.execArgv, youngMiB: young.space_size / 1048576 }));`,
    );
    const run = startServiceProcess(script, [], {});
    expect(await run.exited()).toBe(0);
    const report = JSON.parse(run.output()) as { execArgv: string[]; youngMiB: number };
    expect(report.execArgv).toContain('--max-semi-space-size=16');
    expect(report.youngMiB).toBeLessThanOrEqual(32);
  });
});
