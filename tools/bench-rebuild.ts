import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { serviceSubscriptions, SubscribingService } from '@consign/contracts';
import { serviceNodeOptions } from '@consign/service-runtime';
import { createTemporaryDatabase, freePort, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { runOrFail, waitUntilReady } from './local-processes';
import { assertPinnedRuntime } from './pinned-runtime';
import { platformApps } from './platform-apps';
import { cpuProfileOptions, printCpuProfile, profileDirArgument } from './cpu-profile';
import { cpuSample, msPerTick } from './process-cpu';

/**
 * How fast one service rebuilds its projections from Kafka (`npm run bench:rebuild -- --service
 * inventory-service [--json]`): a new consumer group reads every topic the service subscribes to
 * from the earliest offset into an empty database, and the events per second are timed from the
 * service's start until its group has committed the end offsets taken at the start. The start-up
 * (spawn to the first commit) is also printed on its own, with the rate after it: on a short history
 * the start-up is most of the run. `--profile DIR` profiles the service's CPU and prints where its
 * time went.
 *
 * The anchor, in the same run on the same rows: PostgreSQL writing what the rebuild wrote (the
 * processed-event records and every projection table), copied with one batched `INSERT … SELECT`
 * per table in one transaction. Their ratio says how much of the database's own speed the
 * consumer reaches. notification-service rebuilds with NOTIFICATION_MAX_EVENT_AGE at 1s unless it
 * is set: its log is rebuilt without emailing the history again. Needs the running local infrastructure (`npm run infra:up`) and, to measure
 * anything, history on the topics (the end-to-end tests and `npm run bench:e2e` leave plenty).
 */
const root = resolve(__dirname, '..');

interface Settings {
  service: SubscribingService;
  timeoutSeconds: number;
  json: boolean;
  /** `--profile DIR`: the service's CPU profile is written there, and where its time went printed. */
  profileDir: string | undefined;
}

function settingsFrom(argv: string[]): Settings {
  const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const service = value('--service');
  if (!service || !(service in serviceSubscriptions)) {
    throw new Error(`--service must name a consuming service: ${Object.keys(serviceSubscriptions).join(', ')}; got "${service ?? ''}"`);
  }
  const timeoutSeconds = Number(value('--timeout') ?? 900);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 1)
    throw new Error(`--timeout must be a number of seconds, got "${value('--timeout')}"`);
  return { service: service as SubscribingService, timeoutSeconds, json: argv.includes('--json'), profileDir: profileDirArgument(argv) };
}

async function main(): Promise<void> {
  assertPinnedRuntime('bench:rebuild');
  const settings = settingsFrom(process.argv.slice(2));
  const log = (line: string): void => {
    if (!settings.json) console.log(line);
  };
  const app = platformApps.find((candidate) => candidate.name === settings.service);
  if (!app) throw new Error(`${settings.service} is not one of the platform's apps`);
  const endpoints = testEndpoints();
  const run = randomUUID().slice(0, 8);
  const group = `${settings.service}-rebuild-bench-${run}`;
  const kafka = new Kafka({ clientId: `bench-rebuild-${run}`, brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const prefix = app.portVariable.replace(/_PORT$/, '');
  const database: TemporaryDatabase = await createTemporaryDatabase(endpoints.postgresServerUrl, `consign_${prefix.toLowerCase()}_rebuild`);
  let child: ReturnType<typeof spawn> | undefined;
  const stopService = async () => {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null && child.signalCode === null) await new Promise((done) => child?.once('exit', done));
  };
  try {
    const existing = new Set(await admin.listTopics());
    const topics = serviceSubscriptions[settings.service].map((topic) => topic.name).filter((name) => existing.has(name));
    // The end offsets now: what the rebuild must reach. Later records (none, on a quiet cluster) are not counted.
    const targets = new Map<string, Array<{ partition: number; high: string; low: string }>>();
    for (const topic of topics) targets.set(topic, await admin.fetchTopicOffsets(topic));
    const records = [...targets.values()].flat().reduce((sum, { high, low }) => sum + Number(BigInt(high) - BigInt(low)), 0);
    log(`${settings.service}: rebuilding from ${records} records on ${topics.join(', ')} into an empty database (group ${group})`);

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      SMTP_URL: endpoints.smtpUrl,
      LOG_LEVEL: 'info',
      [app.portVariable]: String(port),
      [`${prefix}_DATABASE_URL`]: database.url,
      [`${prefix}_CONSUMER_GROUP`]: group,
    };
    if (settings.service === 'notification-service') {
      // As the configuration reference says to rebuild: the log is rebuilt, the history's emails not sent again.
      env.NOTIFICATION_MAX_EVENT_AGE = process.env.NOTIFICATION_MAX_EVENT_AGE ?? '1s';
      log(
        `  NOTIFICATION_MAX_EVENT_AGE=${env.NOTIFICATION_MAX_EVENT_AGE}: emails of events received longer ago are recorded as skipped, not sent`,
      );
    }
    const script = join(root, 'dist/apps', settings.service, 'main.js');
    await runOrFail(process.execPath, [script, 'migrate'], env, ['ignore', 'ignore', 'inherit']);
    const startedAt = performance.now();
    child = spawn(process.execPath, [...serviceNodeOptions, ...cpuProfileOptions(settings.profileDir), script], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const cpuBefore = cpuSample(child.pid);
    if (!(await waitUntilReady([`http://127.0.0.1:${port}`], 120_000)))
      throw new Error(`${settings.service} did not become ready within 120 s`);
    const deadline = Date.now() + settings.timeoutSeconds * 1000;
    let lastReport = Date.now();
    // The first commit ends the start-up (process, connections, group join, first fetch): from there on the rebuild runs steadily.
    let firstCommit: { at: number; remaining: number } | undefined;
    for (;;) {
      const remaining = await recordsBehind(admin, group, targets);
      if (firstCommit === undefined && remaining < records) firstCommit = { at: performance.now(), remaining };
      if (remaining === 0) break;
      if (Date.now() > deadline) throw new Error(`the rebuild had ${remaining} records left after ${settings.timeoutSeconds} s`);
      if (Date.now() - lastReport > 5000) {
        log(
          `  ${records - remaining}/${records} records (${Math.round(((records - remaining) * 1000) / (performance.now() - startedAt))}/s so far)`,
        );
        lastReport = Date.now();
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    const finishedAt = performance.now();
    const seconds = (finishedAt - startedAt) / 1000;
    const startupSeconds = ((firstCommit?.at ?? finishedAt) - startedAt) / 1000;
    // Needs a second poll after the first commit to say anything; a rebuild done in one commit has no steady part.
    const steadySeconds = firstCommit && firstCommit.remaining > 0 ? (finishedAt - firstCommit.at) / 1000 : undefined;
    const steadyPerSecond = firstCommit && steadySeconds ? Math.round(firstCommit.remaining / steadySeconds) : undefined;
    const cpuAfter = cpuSample(child.pid);
    const serviceCpuMsPerRecord =
      cpuBefore && cpuAfter && records > 0
        ? Number((((cpuAfter.processTicks - cpuBefore.processTicks) * msPerTick()) / records).toFixed(3))
        : undefined;
    const rebuildPerSecond = Math.round(records / seconds);

    const anchor = await copyTheSameRows(database.url);
    const anchorPerSecond = Math.round(records / anchor.seconds);
    const ratio = Number((rebuildPerSecond / anchorPerSecond).toFixed(4));
    const steadyRatio = steadyPerSecond === undefined ? undefined : Number((steadyPerSecond / anchorPerSecond).toFixed(4));
    const result = {
      service: settings.service,
      records,
      rebuild: {
        seconds: Number(seconds.toFixed(1)),
        eventsPerSecond: rebuildPerSecond,
        startupSeconds: Number(startupSeconds.toFixed(1)),
        steadyEventsPerSecond: steadyPerSecond,
        serviceCpuMsPerRecord,
      },
      anchor: { seconds: Number(anchor.seconds.toFixed(3)), rows: anchor.rows, tables: anchor.tables, eventsPerSecond: anchorPerSecond },
      ratio,
      steadyRatio,
    };
    if (settings.json) console.log(JSON.stringify(result, null, 2));
    else {
      log(
        `rebuild: ${records} records in ${result.rebuild.seconds} s, ${rebuildPerSecond} events/s (service CPU ${serviceCpuMsPerRecord ?? '?'} ms per record, start-up included)`,
      );
      log(
        `anchor:  the same ${anchor.rows} rows of ${anchor.tables.length} tables copied by batched INSERT … SELECT in ${result.anchor.seconds} s, ${anchorPerSecond} events/s`,
      );
      log(
        `         start-up (spawn to first commit) ${result.rebuild.startupSeconds} s; after it ${steadyPerSecond ?? '?'} events/s (${firstCommit?.remaining ?? 0} records)`,
      );
      log(
        `ratio:   the rebuild reaches ${(ratio * 100).toFixed(2)} % of the anchor, ${steadyRatio === undefined ? '?' : (steadyRatio * 100).toFixed(2)} % after start-up`,
      );
    }
    if (settings.profileDir) {
      // The profile is written when the service exits, and it then covers the whole rebuild.
      await stopService();
      printCpuProfile(settings.service, settings.profileDir);
    }
  } finally {
    await stopService();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    await database.drop();
  }
}

/** Records between the group's committed offsets and the targets; a partition without a commit counts from its low offset. */
async function recordsBehind(
  admin: ReturnType<Kafka['admin']>,
  groupId: string,
  targets: Map<string, Array<{ partition: number; high: string; low: string }>>,
): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...targets.keys()] });
  let behind = 0n;
  for (const { topic, partitions } of committed) {
    for (const target of targets.get(topic) ?? []) {
      const offset = partitions.find((partition) => partition.partition === target.partition)?.offset ?? '-1';
      const from = BigInt(offset) < 0n ? BigInt(target.low) : BigInt(offset);
      if (BigInt(target.high) > from) behind += BigInt(target.high) - from;
    }
  }
  return Number(behind);
}

/**
 * What PostgreSQL alone takes to write the rows the rebuild wrote: each of the service's tables
 * copied, indexes and constraints included, by one INSERT … SELECT, all in one transaction.
 */
async function copyTheSameRows(url: string): Promise<{ seconds: number; rows: number; tables: string[] }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (
      await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'migrations') ORDER BY table_name",
      )
    ).rows.map((row) => row.name);
    for (const table of tables)
      await client.query(`CREATE TABLE "anchor_${table}" (LIKE "${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    const startedAt = performance.now();
    let rows = 0;
    await client.query('BEGIN');
    for (const table of tables) rows += (await client.query(`INSERT INTO "anchor_${table}" SELECT * FROM "${table}"`)).rowCount ?? 0;
    await client.query('COMMIT');
    return { seconds: (performance.now() - startedAt) / 1000, rows, tables };
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:rebuild] ${(error as Error).message}`);
  process.exit(1);
});
