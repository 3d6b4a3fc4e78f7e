import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { integer, loadConfig } from '@consign/config';
import { serviceNodeOptions } from '@consign/service-runtime';
import { createTemporaryDatabase, freePort, KeepAliveHttpClient, testEndpoints } from '@consign/test-support';
import { runOrFail, waitUntilReady } from './local-processes';
import { assertPinnedRuntime } from './pinned-runtime';
import { cpuSample, msPerTick } from './process-cpu';

/**
 * The gateway's CPU for refusing an unsigned hostile Clerk delivery (issue 19): a 1 MiB body of
 * private-use characters holding every one of U+E000..U+F8FF, and one integer beyond 2^53, with
 * well-formed Svix headers and a wrong signature, in two layouts (cycled in order; the first one
 * repeated and all the others at the end). Beside them, in the same run, the anchors: the same
 * size in plain ASCII (what receiving 1 MiB costs), a small unsigned delivery (the per-request
 * floor) and HMAC-SHA256 over 1 MiB in this process (what verifying against one secret costs).
 *
 * `npm run bench:hostile-body [-- --json]`: the built gateway in development mode on 127.0.0.1,
 * its CPU read from /proc around each phase of sequential requests.
 */
const root = resolve(__dirname, '..');
const settings = loadConfig({ requests: integer('BENCH_REQUESTS', 100, { min: 10 }) });
const json = process.argv.includes('--json');
const log = (line: string): void => {
  if (!json) console.log(line);
};

const bodyLimitBytes = 1024 * 1024;
const privateUseCount = 0xf8ff - 0xe000 + 1;
// The development tenant's Clerk instance: the gateway verifies against its secret, and refuses.
const head = '{"type":"user.created","instance_id":"ins_123","object":"event","data":{"note":"';
const tail = '"},"n":12345678901234567890}';

/** Just under the body limit: the envelope, private-use characters (3 bytes each in UTF-8), one 20-digit integer. */
function hostileBody(layout: 'cycled' | 'first repeated'): Buffer {
  const characters = Math.floor((bodyLimitBytes - 256 - head.length - tail.length) / 3);
  let note = '';
  for (let index = 0; index < characters; index += 1) {
    const offset = layout === 'cycled' ? index % privateUseCount : Math.max(0, index - (characters - privateUseCount));
    note += String.fromCharCode(0xe000 + offset);
  }
  return Buffer.from(head + note + tail);
}

async function main(): Promise<void> {
  assertPinnedRuntime('bench:hostile-body');
  const port = await freePort();
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_gateway_hostile_bench');
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    GATEWAY_PORT: String(port),
    GATEWAY_INTERNAL_PORT: '0',
    GATEWAY_DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
  };
  const script = join(root, 'dist/apps/gateway/main.js');
  await runOrFail(process.execPath, [script, 'migrate'], env, ['ignore', 'ignore', 'inherit']);
  const gateway = spawn(process.execPath, [...serviceNodeOptions, script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const client = new KeepAliveHttpClient({ host: '127.0.0.1', port, maxConnections: 1 });
  try {
    if (!(await waitUntilReady([`http://127.0.0.1:${port}`], 60_000))) throw new Error('the gateway did not become ready within 60 s');
    const unsigned = (body: Buffer) => () =>
      client
        .request({
          method: 'POST',
          path: '/webhooks/clerk',
          headers: {
            'content-type': 'application/json',
            'svix-id': `msg_${randomUUID()}`,
            'svix-timestamp': String(Math.floor(Date.now() / 1000)),
            'svix-signature': `v1,${randomBytes(32).toString('base64')}`,
          },
          body,
        })
        .then((response) => response.status);
    const phases: Array<[string, () => Promise<number>]> = [
      ['hostile 1 MiB, characters cycled', unsigned(hostileBody('cycled'))],
      ['hostile 1 MiB, first character repeated', unsigned(hostileBody('first repeated'))],
      ['anchor: plain 1 MiB', unsigned(Buffer.from(head + 'a'.repeat(bodyLimitBytes - 256 - head.length - tail.length) + tail))],
      ['anchor: small', unsigned(Buffer.from(`${head}a${tail}`))],
    ];
    const results: Array<{ phase: string; gatewayCpuMsPerRequest: number; statuses: Record<string, number> }> = [];
    for (const [phase, request] of phases) {
      for (let warm = 0; warm < 5; warm += 1) await request();
      const before = cpuSample(gateway.pid);
      const statuses: Record<string, number> = {};
      for (let index = 0; index < settings.requests; index += 1) {
        const status = String(await request());
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      const after = cpuSample(gateway.pid);
      if (!before || !after) throw new Error('no /proc here: this bench reads the gateway CPU from Linux /proc');
      const gatewayCpuMsPerRequest = Number((((after.processTicks - before.processTicks) * msPerTick()) / settings.requests).toFixed(2));
      results.push({ phase, gatewayCpuMsPerRequest, statuses });
      log(`${phase.padEnd(42)} gateway CPU ${gatewayCpuMsPerRequest} ms per request; answers ${JSON.stringify(statuses)}`);
    }
    const block = Buffer.alloc(bodyLimitBytes, 'a');
    const hmacStart = process.cpuUsage();
    for (let index = 0; index < settings.requests; index += 1) createHmac('sha256', randomBytes(32)).update(block).digest();
    const hmacUsage = process.cpuUsage(hmacStart);
    const hmacMs = Number(((hmacUsage.user + hmacUsage.system) / 1000 / settings.requests).toFixed(2));
    log(`${'anchor: HMAC-SHA256 over 1 MiB (this process)'.padEnd(42)} ${hmacMs} ms each`);
    if (json) console.log(JSON.stringify({ requests: settings.requests, results, hmacMsPer1MiB: hmacMs }, null, 2));
  } finally {
    client.close();
    gateway.kill('SIGTERM');
    if (gateway.exitCode === null && gateway.signalCode === null) await new Promise((resolve) => gateway.once('exit', resolve));
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-hostile-body failed: ${(error as Error).message}`);
  process.exit(1);
});
