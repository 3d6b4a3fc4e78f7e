import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { deterministicEventId, events, serviceSubscriptions, SubscribingService } from '@consign/contracts';
import { serviceNodeOptions } from '@consign/service-runtime';
import {
  clerkUserBody,
  createTemporaryDatabase,
  freePort,
  KeepAliveHttpClient,
  orderBody,
  productBody,
  shopifyId,
  shopifySignature,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
  WebhookSender,
} from '@consign/test-support';
import { quantiles } from './latency-quantiles';
import { countOtherAnswers, openLoop, OpenLoopAnswer, OpenLoopResult } from './open-loop';
import { runOrFail, waitUntilReady } from './local-processes';
import { assertPinnedRuntime } from './pinned-runtime';
import { platformApps } from './platform-apps';
import { cpuProfileOptions, printCpuProfile, profileDirArgument } from './cpu-profile';
import { commandTicks, cpuSample, CpuSample, msPerTick } from './process-cpu';

/**
 * End-to-end latency of the whole platform under an open-loop load of orders
 * (`npm run bench:e2e -- [--rate 200] [--seconds 30] [--warmup 5] [--consignors 20] [--json] [--profile DIR]`). Each order is unique
 * and has three lines, two of them consignors' items, as a flash sale's would. Latency runs from the
 * gateway's `received_at` of the delivery to each service's record of it: `processed_events` in
 * inventory and earnings, the "sold" email's `sent_at` in notification-service (one per consignor
 * line). All three are PostgreSQL's clock, so no clock skew enters.
 *
 * The anchor, measured in the same run first: the same orders at a quiet 5 per second, so the
 * loaded figures read against what this machine does unloaded today. Every app runs from its
 * bundle on databases and consumer groups of its own (the groups start at the end of their topics),
 * against the running local infrastructure (`npm run infra:up`).
 */
const root = resolve(__dirname, '..');
const services = [
  'inventory-service',
  'earnings-service',
  'consignor-service',
  'notification-service',
] as const satisfies readonly SubscribingService[];
const quietRate = 5;
const quietSeconds = 4;

interface Settings {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainTimeoutSeconds: number;
  /** `--consignors N`: the shop's consignors, each signed up through the gateway with one product. */
  consignors: number;
  json: boolean;
  /** `--profile DIR`: every app's CPU profile is written there, and where each one's time went printed. */
  profileDir: string | undefined;
}

function settingsFrom(argv: string[]): Settings {
  const number = (flag: string, fallback: number, min: number): number => {
    const index = argv.indexOf(flag);
    if (index === -1) return fallback;
    const value = Number(argv[index + 1]);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`${flag} must be a number of at least ${min}, got "${argv[index + 1] ?? ''}"`);
    return value;
  };
  return {
    rate: number('--rate', 200, 1),
    seconds: number('--seconds', 30, 1),
    warmupSeconds: number('--warmup', 5, 0),
    drainTimeoutSeconds: number('--drain-timeout', 120, 1),
    consignors: number('--consignors', 20, 2),
    json: argv.includes('--json'),
    profileDir: profileDirArgument(argv),
  };
}

interface RunningApp {
  name: string;
  url: string;
  database: TemporaryDatabase;
  group?: string;
  process: ChildProcess;
}

/** Quantiles of one service's latencies for one phase, and how much of the phase it applied. */
interface ServiceLatency {
  service: string;
  expected: number;
  applied: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface PhaseReport {
  phase: string;
  orders: number;
  ratePerSecond: number;
  answered200: number;
  /** The other answers by status, or by error when none came ("HTTP 503": 4, "UND_ERR_SOCKET": 2). */
  otherAnswers: Record<string, number>;
  ackP99Ms: number;
  /** Seconds from the last order sent until every service had applied or sent everything (or the time ran out). */
  drainSeconds: number;
  services: ServiceLatency[];
}

async function main(): Promise<void> {
  assertPinnedRuntime('bench:e2e');
  const settings = settingsFrom(process.argv.slice(2));
  const log = (line: string): void => {
    if (!settings.json) console.log(line);
  };
  const endpoints = testEndpoints();
  const run = randomUUID().slice(0, 8);
  const kafka = new Kafka({ clientId: `bench-e2e-${run}`, brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING });
  const apps: RunningApp[] = [];
  const stopApps = async () => {
    for (const app of apps) app.process.kill('SIGTERM');
    await Promise.all(
      apps.map((app) =>
        app.process.exitCode === null && app.process.signalCode === null
          ? new Promise((done) => app.process.once('exit', done))
          : undefined,
      ),
    );
  };
  try {
    const shared = {
      ...process.env,
      NODE_ENV: 'development',
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      SMTP_URL: endpoints.smtpUrl,
      LOG_LEVEL: 'info',
      RECONCILER_SCHEDULE: 'off',
    };
    for (const app of platformApps.filter((candidate) => candidate.name !== 'reconciler')) {
      const prefix = app.portVariable.replace(/_PORT$/, '');
      const port = await freePort();
      const database = await createTemporaryDatabase(endpoints.postgresServerUrl, `consign_${prefix.toLowerCase()}_bench`);
      const env: NodeJS.ProcessEnv = { ...shared, [app.portVariable]: String(port), [`${prefix}_DATABASE_URL`]: database.url };
      if (app.internal) env[app.internal.portVariable] = String(await freePort());
      const group = app.name === 'gateway' ? undefined : `${app.name}-bench-${run}`;
      if (group) {
        env[`${prefix}_CONSUMER_GROUP`] = group;
        await startAtEnd(
          kafka,
          group,
          serviceSubscriptions[app.name as SubscribingService].map((topic) => topic.name),
        );
      }
      const script = join(root, 'dist/apps', app.name, 'main.js');
      await runOrFail(process.execPath, [script, 'migrate'], env, ['ignore', 'ignore', 'inherit']);
      // The apps' logs go nowhere, as a log shipper would take them: their writing is still paid for.
      const profileDir = settings.profileDir && join(settings.profileDir, app.name);
      const child = spawn(process.execPath, [...serviceNodeOptions, ...cpuProfileOptions(profileDir), script], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      apps.push({ name: app.name, url: `http://127.0.0.1:${port}`, database, group, process: child });
    }
    if (
      !(await waitUntilReady(
        apps.map((app) => app.url),
        120_000,
      ))
    )
      throw new Error('the platform did not become ready within 120 s');
    const gateway = appNamed(apps, 'gateway');
    log(`platform of ${apps.length} apps ready (run ${run}); setting up ${settings.consignors} consignors and their products`);
    const shop = await setUpShop(apps, new WebhookSender(gateway.url), run, settings.consignors);

    const client = new KeepAliveHttpClient({ host: '127.0.0.1', port: Number(new URL(gateway.url).port) });
    let sequence = 0;
    const sendOrder = async (): Promise<Answer> => {
      const index = sequence++;
      const consignorLines = [shopifyId(), shopifyId()];
      const [first, second] = [
        shop.consignorProducts[index % settings.consignors],
        shop.consignorProducts[(index + 1) % settings.consignors],
      ];
      const body = orderBody({
        id: shopifyId(),
        name: `#BENCH-${run}-${index}`,
        financialStatus: 'paid',
        lines: [
          {
            id: consignorLines[0],
            productId: first.product,
            variantId: first.variant,
            title: 'Consigned jacket',
            quantity: 1,
            price: '120.00',
            discount: '20.00',
          },
          {
            id: consignorLines[1],
            productId: second.product,
            variantId: second.variant,
            title: 'Consigned scarf',
            quantity: 1,
            price: '25.50',
          },
          {
            id: shopifyId(),
            productId: shop.storeProduct.product,
            variantId: shop.storeProduct.variant,
            title: 'Store mug',
            quantity: 1,
            price: '10.00',
          },
        ],
      });
      const requestId = `bench-${run}-${index}`;
      const response = await client.request({
        method: 'POST',
        path: '/webhooks/shopify/order',
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          'x-shopify-topic': 'orders/create',
          'x-shopify-shop-domain': 'shop.myshopify.com',
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': randomUUID(),
          'x-shopify-triggered-at': new Date().toISOString(),
          'x-shopify-hmac-sha256': shopifySignature(body),
        },
        body: Buffer.from(body),
      });
      const eventId = response.status === 200 ? (JSON.parse(response.body.toString()) as { eventId: string }).eventId : undefined;
      // The "sold" email of each consignor line answers earnings-service's earnings.recorded, whose id follows from the order's.
      const soldEventIds =
        eventId === undefined
          ? []
          : consignorLines.map((line) => deterministicEventId(eventId, events.earningsRecorded.type, String(line)));
      return { status: response.status, requestId, eventId, soldEventIds };
    };

    const phase = async (name: string, rate: number, seconds: number): Promise<PhaseReport> => {
      log(`${name}: ${rate} orders/s for ${seconds} s`);
      const sent = await openLoop(sendOrder, rate, seconds, {
        progress: (done, total) => {
          if (done % (rate * 10) === 0) log(`  ${done}/${total} sent`);
        },
        unanswered: (error) => ({ status: 0, error, requestId: '', soldEventIds: [] }),
      });
      const sentAt = Date.now();
      const accepted = sent.answers.filter((answer) => answer.status === 200);
      const drained = await waitForDrain(apps, accepted, settings.drainTimeoutSeconds * 1000);
      const report: PhaseReport = {
        phase: name,
        orders: sent.answers.length,
        ratePerSecond: rate,
        answered200: accepted.length,
        otherAnswers: countOtherAnswers(sent.answers),
        ackP99Ms: quantiles(sent.answers.flatMap((answer) => (answer.ackMs === undefined ? [] : [answer.ackMs])))(0.99),
        drainSeconds: drained ? Number(((Date.now() - sentAt) / 1000).toFixed(1)) : Number.NaN,
        services: await latencies(apps, accepted),
      };
      printPhase(report, log);
      return report;
    };

    const anchor = await phase('anchor (quiet)', quietRate, quietSeconds);
    if (settings.warmupSeconds > 0) await phase('warm-up (not counted)', settings.rate, settings.warmupSeconds);
    const before = new Map(apps.map((app) => [app.name, cpuSample(app.process.pid)]));
    const machineBefore = cpuSample(process.pid);
    const serversBefore = { postgres: commandTicks('postgres'), java: commandTicks('java') };
    const transactionsBefore = await databaseTransactions(apps);
    const measured = await phase('measured', settings.rate, settings.seconds);
    const cpu = cpuUse(apps, before, machineBefore, serversBefore);
    log(
      `CPU while measuring and draining (% of one core; the machine has ${cpus().length}): ${cpu.map((entry) => `${entry.process} ${entry.percentOfCore}`).join(', ')}`,
    );
    const transactionsAfter = await databaseTransactions(apps);
    const perOrder = apps.flatMap((app) => {
      const count = (transactionsAfter.get(app.name) ?? 0) - (transactionsBefore.get(app.name) ?? 0);
      return measured.orders > 0 ? [{ app: app.name, transactionsPerOrder: Number((count / measured.orders).toFixed(1)) }] : [];
    });
    log(
      `PostgreSQL transactions per order (pg_stat_database, statements outside a transaction count as one): ${perOrder.map((entry) => `${entry.app} ${entry.transactionsPerOrder}`).join(', ')}`,
    );
    const target = measured.services
      .filter((service) => service.expected > 0)
      .every((service) => service.p99Ms < 100 && service.applied === service.expected);
    log(`target p99 < 100 ms for every service at ${settings.rate} orders/s: ${target ? 'MET' : 'MISSED'}`);
    client.close();
    if (settings.json)
      console.log(
        JSON.stringify(
          {
            settings,
            anchor,
            measured,
            cpu,
            perOrder,
            target: 'p99 < 100 ms for every service, everything applied',
            verdict: target ? 'MET' : 'MISSED',
          },
          null,
          2,
        ),
      );
    if (settings.profileDir) {
      // Each profile is written when its app exits, and covers the app's whole run, anchor included.
      await stopApps();
      for (const app of apps) printCpuProfile(app.name, join(settings.profileDir, app.name), 10);
    }
  } finally {
    await stopApps();
    await Promise.all(apps.map((app) => app.database.drop().catch(() => undefined)));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups(apps.flatMap((app) => (app.group ? [app.group] : []))).catch(() => undefined);
    await admin.disconnect();
  }
}

function appNamed(apps: RunningApp[], name: string): RunningApp {
  const app = apps.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`${name} is not running`);
  return app;
}

/** Commits the group at the current end of each topic, so that it reads only what this run sends. */
async function startAtEnd(kafka: Kafka, groupId: string, topicNames: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topicNames.filter((name) => existing.has(name))) {
      const partitions = (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }));
      await admin.setOffsets({ groupId, topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
}

interface Shop {
  consignorProducts: Array<{ product: number; variant: number }>;
  storeProduct: { product: number; variant: number };
}

/** `send` for every item, 32 at a time: a big shop sets up in seconds, not one webhook after another. */
async function inSlices<T>(items: readonly T[], send: (item: T) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < items.length; from += 32) await Promise.all(items.slice(from, from + 32).map(send));
}

/** Consignors signed up through Clerk, one product each tagged with their consignor tag, and a store product. */
async function setUpShop(apps: RunningApp[], webhooks: WebhookSender, run: string, consignorCount: number): Promise<Shop> {
  await inSlices(
    Array.from({ length: consignorCount }, (_, index) => index),
    (index) =>
      webhooks.clerk(clerkUserBody('user.created', { id: `user_bench_${run}_${index}`, email: `bench.${run}.${index}@example.test` })),
  );
  // Projected at a few hundred a second at worst, with the default's two minutes to spare.
  const setUpTimeoutMs = 120_000 + consignorCount * 10;
  const tags = await waitFor(
    'the consignors to be registered',
    async () => {
      const rows = await query<{ shopify_tag: string }>(
        appNamed(apps, 'consignor-service'),
        'SELECT shopify_tag FROM consignors ORDER BY clerk_user_id',
      );
      return rows.length === consignorCount ? rows.map((row) => row.shopify_tag) : undefined;
    },
    setUpTimeoutMs,
    250,
  );
  const variant = () => ({ product: shopifyId(), variant: shopifyId(), inventoryItem: shopifyId() });
  const products = tags.map((tag) => ({ ...variant(), tags: [tag] }));
  const store = { ...variant(), tags: ['house'] };
  await inSlices([...products, store], (product) =>
    webhooks.shopify(
      'products/create',
      productBody({
        id: product.product,
        title: 'Bench item',
        tags: product.tags,
        variants: [
          {
            id: product.variant,
            inventoryItemId: product.inventoryItem,
            sku: `SKU-${product.variant}`,
            price: '120.00',
            quantity: 1_000_000,
          },
        ],
      }),
    ),
  );
  // Every service has applied the set-up: the products in inventory and earnings, the consignors' contacts in notification-service.
  const expected: Record<string, number> = {
    'inventory-service': consignorCount + 1,
    'earnings-service': 2 * consignorCount + 1,
    'consignor-service': consignorCount,
    'notification-service': consignorCount,
  };
  await waitFor(
    'every service to apply the set-up',
    async () => {
      for (const service of services) {
        const [{ n }] = await query<{ n: number }>(appNamed(apps, service), 'SELECT count(*)::int AS n FROM processed_events');
        if (n < expected[service]) return undefined;
      }
      return true;
    },
    setUpTimeoutMs,
    250,
  );
  return { consignorProducts: products, storeProduct: store };
}

interface Answer extends OpenLoopAnswer {
  requestId: string;
  eventId?: string;
  /** The earnings.recorded events the order causes, one per consignor line: what notification-service emails about. */
  soldEventIds: string[];
}

type Sent = OpenLoopResult<Answer>;

/** What each service must show for the accepted orders: the order event in inventory and earnings, two "sold" emails in notification-service. */
async function appliedCounts(
  apps: RunningApp[],
  accepted: Sent['answers'],
): Promise<Record<string, { expected: number; applied: number }>> {
  const eventIds = accepted.map((answer) => answer.eventId ?? '');
  const soldEventIds = accepted.flatMap((answer) => answer.soldEventIds);
  const processed = async (service: string) =>
    (
      await query<{ n: number }>(appNamed(apps, service), 'SELECT count(*)::int AS n FROM processed_events WHERE event_id = ANY($1)', [
        eventIds,
      ])
    )[0].n;
  const [{ n: emails }] = await query<{ n: number }>(
    appNamed(apps, 'notification-service'),
    "SELECT count(*)::int AS n FROM notification_log WHERE template = 'item-sold' AND status = 'sent' AND event_id = ANY($1)",
    [soldEventIds],
  );
  return {
    'inventory-service': { expected: eventIds.length, applied: await processed('inventory-service') },
    'earnings-service': { expected: eventIds.length, applied: await processed('earnings-service') },
    'notification-service': { expected: soldEventIds.length, applied: emails },
  };
}

async function waitForDrain(apps: RunningApp[], accepted: Sent['answers'], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await appliedCounts(apps, accepted);
    if (Object.values(counts).every((count) => count.applied >= count.expected)) return true;
    await new Promise((done) => setTimeout(done, 250));
  }
  return false;
}

/** Each service's latency from the gateway's receipt, per order (inventory, earnings) or per email (notification). */
async function latencies(apps: RunningApp[], accepted: Sent['answers']): Promise<ServiceLatency[]> {
  const eventIds = accepted.map((answer) => answer.eventId ?? '');
  const received = new Map(
    (
      await query<{ event_id: string; at: number }>(
        appNamed(apps, 'gateway'),
        'SELECT event_id, extract(epoch FROM received_at) * 1000 AS at FROM webhook_deliveries WHERE event_id = ANY($1)',
        [eventIds],
      )
    ).map((row) => [row.event_id, Number(row.at)] as const),
  );
  const orderOfSold = new Map(accepted.flatMap((answer) => answer.soldEventIds.map((sold) => [sold, answer.eventId ?? ''] as const)));
  const counts = await appliedCounts(apps, accepted);
  const summary = (service: string, values: number[]): ServiceLatency => {
    const at = quantiles(values, 1);
    return {
      service,
      expected: counts[service]?.expected ?? 0,
      applied: counts[service]?.applied ?? 0,
      p50Ms: at(0.5),
      p90Ms: at(0.9),
      p99Ms: at(0.99),
      maxMs: at(1),
    };
  };
  const processedLatencies = async (service: string) =>
    (
      await query<{ event_id: string; at: number }>(
        appNamed(apps, service),
        'SELECT event_id, extract(epoch FROM processed_at) * 1000 AS at FROM processed_events WHERE event_id = ANY($1)',
        [eventIds],
      )
    ).map((row) => Number(row.at) - (received.get(row.event_id) ?? Number.NaN));
  const emailLatencies = (
    await query<{ event_id: string; at: number }>(
      appNamed(apps, 'notification-service'),
      "SELECT event_id, extract(epoch FROM sent_at) * 1000 AS at FROM notification_log WHERE template = 'item-sold' AND status = 'sent' AND event_id = ANY($1)",
      [[...orderOfSold.keys()]],
    )
  ).map((row) => Number(row.at) - (received.get(orderOfSold.get(row.event_id) ?? '') ?? Number.NaN));
  return [
    summary('inventory-service', await processedLatencies('inventory-service')),
    summary('earnings-service', await processedLatencies('earnings-service')),
    summary('notification-service', emailLatencies),
  ];
}

function printPhase(report: PhaseReport, log: (line: string) => void): void {
  log(
    `  ${report.answered200}/${report.orders} answered 200 (acknowledgement p99 ${report.ackP99Ms} ms); everything applied ${Number.isNaN(report.drainSeconds) ? 'NOT within the drain timeout' : `${report.drainSeconds} s after the last order`}`,
  );
  const others = Object.entries(report.otherAnswers);
  if (others.length > 0) log(`  the others: ${others.map(([reason, count]) => `${count} × ${reason}`).join(', ')}`);
  log(
    `  ${'service'.padEnd(22)}${'applied/expected'.padStart(18)}${'p50 ms'.padStart(10)}${'p90 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'max ms'.padStart(10)}`,
  );
  for (const service of report.services) {
    log(
      `  ${service.service.padEnd(22)}${`${service.applied}/${service.expected}`.padStart(18)}${String(service.p50Ms).padStart(10)}${String(service.p90Ms).padStart(10)}${String(service.p99Ms).padStart(10)}${String(service.maxMs).padStart(10)}`,
    );
  }
}

/**
 * Each app's share of a core, then PostgreSQL's and the JVMs' (Kafka and the registry), and the
 * machine's whole busy time: what is left is the kernel and everything else.
 */
function cpuUse(
  apps: RunningApp[],
  before: Map<string, CpuSample | undefined>,
  machineBefore: CpuSample | undefined,
  serversBefore: { postgres: number; java: number },
): Array<{ process: string; percentOfCore: number }> {
  const tick = msPerTick();
  const entries = apps.map((app) => ({ name: app.name, before: before.get(app.name), after: cpuSample(app.process.pid) }));
  entries.push({ name: 'load generator', before: machineBefore, after: cpuSample(process.pid) });
  const machineAfter = cpuSample(process.pid);
  if (!machineBefore || !machineAfter) return [];
  const elapsedMs = machineAfter.at - machineBefore.at;
  const percent = (ticks: number): number => Math.round((ticks * tick * 100) / elapsedMs);
  return [
    ...entries.flatMap(({ name, before: first, after }) =>
      first && after ? [{ process: name, percentOfCore: percent(after.processTicks - first.processTicks) }] : [],
    ),
    { process: 'PostgreSQL', percentOfCore: percent(commandTicks('postgres') - serversBefore.postgres) },
    { process: 'Kafka and registry (JVMs)', percentOfCore: percent(commandTicks('java') - serversBefore.java) },
    {
      process: 'machine busy',
      percentOfCore: percent(
        machineAfter.machineTicks - machineAfter.machineIdleTicks - (machineBefore.machineTicks - machineBefore.machineIdleTicks),
      ),
    },
  ];
}

/** Transactions committed so far in each app's database. */
async function databaseTransactions(apps: RunningApp[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const app of apps) {
    const [row] = await query<{ commits: string }>(
      app,
      'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()',
    );
    counts.set(app.name, Number(row.commits));
  }
  return counts;
}

async function query<T>(app: RunningApp, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: app.database.url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:e2e] ${(error as Error).message}`);
  process.exit(1);
});
