import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { integer, loadConfig } from '@consign/config';
import { shopifyHmacOf } from '@consign/contracts';
import { serviceNodeOptions } from '@consign/service-runtime';
import { createTemporaryDatabase, freePort, KeepAliveHttpClient, readFixture, testEndpoints } from '@consign/test-support';
import { quantiles } from './latency-quantiles';
import { countOtherAnswers, openLoop } from './open-loop';
import { cpuProfileOptions, printCpuProfile, profileDirArgument } from './cpu-profile';
import { runOrFail, waitUntilReady } from './local-processes';
import { assertPinnedRuntime } from './pinned-runtime';
import { CpuSample, cpuSample, msPerTick } from './process-cpu';

/**
 * Acknowledgement latency of the gateway under a steady, open-loop load of verified webhooks
 * (`npm run bench:gateway [-- --json]`): requests are sent on a fixed schedule whatever the answers
 * do, and latency counts from the scheduled time, so a stall shows instead of slowing the load.
 * The baseline in the same run is the same schedule against /healthz: the HTTP floor on this
 * machine. The load generator shares the machine, so it is lean (`KeepAliveHttpClient`), and
 * its own CPU is printed beside the gateway's. Needs the infrastructure up (`npm run infra:up`)
 * and the gateway built. Each run gets a gateway database of its own, so that runs compare:
 * delivery records left by earlier runs (and not vacuumed where autovacuum is off, as on these
 * machines) would slow the later ones.
 */
const root = resolve(__dirname, '..');
const settings = loadConfig({
  rate: integer('BENCH_RATE', 500, { min: 1 }),
  seconds: integer('BENCH_SECONDS', 20, { min: 1 }),
  // Long enough for the broker's JIT to settle: the first seconds after a Kafka start are slower.
  warmupSeconds: integer('BENCH_WARMUP_SECONDS', 10, { min: 0 }),
});
const json = process.argv.includes('--json');
const log = (line: string): void => {
  if (!json) console.log(line);
};

interface Result {
  sent: number;
  ok: number;
  failed: number;
  /** Why requests failed: an HTTP status, or the client's error (a timeout, a refused connection). */
  failures: Record<string, number>;
  achievedPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How late the load generator sent, against its schedule: when it is late, the whole machine was busy. */
  senderLateP99Ms: number;
  senderLateMaxMs: number;
}

async function main(): Promise<void> {
  assertPinnedRuntime('bench:gateway');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_gateway_bench');
  // The access log stays on, as in production (one JSON line per request), written to /dev/null.
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    GATEWAY_PORT: String(port),
    GATEWAY_INTERNAL_PORT: '0',
    GATEWAY_DATABASE_URL: database.url,
    LOG_LEVEL: 'info',
  };
  const script = join(root, 'dist/apps/gateway/main.js');
  await runOrFail(process.execPath, [script, 'migrate'], env, ['ignore', 'ignore', 'inherit']);
  const profileDir = profileDirArgument(process.argv);
  const client = new KeepAliveHttpClient({ host: '127.0.0.1', port });
  const gateway = spawn(process.execPath, [...serviceNodeOptions, ...cpuProfileOptions(profileDir), script], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    if (!(await waitUntilReady([base], 60_000))) throw new Error('the gateway did not become ready within 60 s');
    const body = readFixture('shopify/orders-create.json');
    const signature = shopifyHmacOf(body, 'test_secret_key');
    const send = (method: string, path: string, headers: Record<string, string>, payload?: Buffer): Promise<number> =>
      client.request({ method, path, headers, body: payload }).then((response) => response.status);
    const webhook = (): Promise<number> =>
      send(
        'POST',
        '/webhooks/shopify/order',
        {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-shop-domain': 'shop.myshopify.com',
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': randomUUID(),
          'x-shopify-hmac-sha256': signature,
        },
        body,
      );
    log(
      `gateway on ${base}; ${settings.rate} requests/s for ${settings.seconds} s after ${settings.warmupSeconds} s of warm-up; body ${body.length} bytes`,
    );
    const [baseline, baselineCpu] = await withCpuUse(gateway.pid, () =>
      load('baseline GET /healthz', () => send('GET', '/healthz', {}), settings.rate, settings.seconds),
    );
    // What the HTTP stack alone costs on this machine today: hosts differ between days several-fold, and this tells them apart.
    if (baselineCpu)
      log(
        `  gateway CPU ${baselineCpu.gatewayMsPerRequest} ms per /healthz (${baselineCpu.gatewayPercentOfCore} % of a core); load generator ${baselineCpu.generatorPercentOfCore} % of a core`,
      );
    // Right before the measured run: with the baseline in between, the measured run started on a
    // heap sized for /healthz, and its first 300 ms held up to a third of its slowest 1 %.
    await load('warm-up', webhook, settings.rate, settings.warmupSeconds);
    const [webhooks, cpu] = await withCpuUse(gateway.pid, () =>
      load('signed orders/create webhooks', webhook, settings.rate, settings.seconds),
    );
    if (cpu)
      log(
        `  gateway CPU ${cpu.gatewayMsPerRequest} ms per webhook (${cpu.gatewayPercentOfCore} % of a core); load generator ${cpu.generatorPercentOfCore} % of a core; the machine's cores ${cpu.machineBusyPercent} % busy`,
      );
    const verdict = webhooks.p99Ms < 25 && webhooks.failed === 0 ? 'MET' : 'MISSED';
    if (json)
      console.log(
        JSON.stringify(
          { rate: settings.rate, seconds: settings.seconds, baseline, baselineCpu, webhooks, cpu, target: 'p99 < 25 ms', verdict },
          null,
          2,
        ),
      );
    else
      log(`target p99 < 25 ms at ${settings.rate}/s: ${verdict} (webhook p99 ${webhooks.p99Ms} ms vs HTTP floor p99 ${baseline.p99Ms} ms)`);
  } finally {
    client.close();
    gateway.kill('SIGTERM');
    if (gateway.exitCode === null && gateway.signalCode === null) await new Promise((resolve) => gateway.once('exit', resolve));
    await database.drop();
  }
  if (profileDir) printCpuProfile('gateway', profileDir);
}

async function load(name: string, request: () => Promise<number>, rate: number, seconds: number): Promise<Result> {
  const total = rate * seconds;
  const startedAt = performance.now();
  const sent = await openLoop(async () => ({ status: await request() }), rate, seconds, {
    progress: (done) => {
      if (done % (rate * 5) === 0) log(`  ${name}: ${done}/${total} sent`);
    },
    unanswered: (error) => ({ status: 0, error }),
  });
  const latencies = sent.answers.flatMap((answer) => (answer.status === 200 && answer.ackMs !== undefined ? [answer.ackMs] : []));
  const failures = countOtherAnswers(sent.answers);
  const elapsed = (performance.now() - startedAt) / 1000;
  const at = quantiles(latencies);
  const late = quantiles(sent.lateMs);
  const result = {
    sent: total,
    ok: latencies.length,
    // Every request sent has ended by now, answered 200 or failed.
    failed: total - latencies.length,
    failures,
    achievedPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: at(1),
    senderLateP99Ms: late(0.99),
    senderLateMaxMs: late(1),
  };
  log(
    `${name.padEnd(32)} ok ${result.ok}/${total}  ${result.achievedPerSecond}/s  p50 ${result.p50Ms} ms  p90 ${result.p90Ms} ms  p99 ${result.p99Ms} ms  max ${result.maxMs} ms`,
  );
  log(`${''.padEnd(32)} sender late p99 ${result.senderLateP99Ms} ms  max ${result.senderLateMaxMs} ms`);
  if (result.failed > 0)
    log(
      `${''.padEnd(32)} failed: ${Object.entries(failures)
        .map(([reason, count]) => `${reason} ×${count}`)
        .join(', ')}`,
    );
  return result;
}

async function withCpuUse(pid: number | undefined, phase: () => Promise<Result>): Promise<[Result, ReturnType<typeof cpuUse>]> {
  const before = cpuSample(pid);
  const generatorBefore = process.cpuUsage();
  const result = await phase();
  return [result, before && cpuUse(before, cpuSample(pid), process.cpuUsage(generatorBefore), result.sent)];
}

function cpuUse(before: CpuSample, after: CpuSample | undefined, generator: NodeJS.CpuUsage, requests: number) {
  if (!after) return undefined;
  const gatewayMs = (after.processTicks - before.processTicks) * msPerTick();
  const machineTicks = after.machineTicks - before.machineTicks;
  return {
    gatewayMsPerRequest: Number((gatewayMs / requests).toFixed(2)),
    gatewayPercentOfCore: Math.round((100 * gatewayMs) / (after.at - before.at)),
    // This process: what the load itself costs the machine the gateway runs on.
    generatorPercentOfCore: Math.round((100 * (generator.user + generator.system)) / 1000 / (after.at - before.at)),
    machineBusyPercent: Math.round((100 * (machineTicks - (after.machineIdleTicks - before.machineIdleTicks))) / machineTicks),
  };
}

main().catch((error: unknown) => {
  console.error(`bench-gateway failed: ${(error as Error).message}`);
  process.exit(1);
});
