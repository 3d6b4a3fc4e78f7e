import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { PlatformAppName, serviceCatalogue } from '@consign/config';
import { serviceSubscriptions } from '@consign/contracts';
import { developmentAdminKey } from '@consign/service-runtime';
import {
  createTemporaryDatabase,
  freePort,
  ServiceProcess,
  startServiceProcess,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
} from '@consign/test-support';

/**
 * The whole platform as separate processes over the real Kafka, registry, PostgreSQL and mail
 * sink: each app from its own bundle (or its image: launchAppsWith), with its own fresh database
 * and its own consumer group, so a test file sees only what it caused (plus what earlier runs left
 * on the shared topics, which the new groups read from the start).
 */
const dist = join(__dirname, '../../../../dist/apps');

export type AppName = PlatformAppName;
export type ConsumerApp = Exclude<AppName, 'gateway' | 'reconciler'>;

const envPrefix = (app: AppName): string => serviceCatalogue[app].prefix;

/** What each consumer reads (serviceSubscriptions): the test waits until every group has reached the end of these. */
export const consumedTopics = Object.fromEntries(
  Object.entries(serviceSubscriptions).map(([app, subscribed]) => [app, subscribed.map((topic) => topic.name)]),
) as Record<ConsumerApp, string[]>;

/** Where a consumer group starts on each topic: the offset of each partition. */
export type StartOffsets = Map<string, Array<{ partition: number; offset: string }>>;

/** One running process of an app: the first is started by start(), more by addInstance(). */
export interface AppInstance {
  app: AppName;
  /** 1 for the first instance, 2 and up for those added. */
  number: number;
  url: string;
  internalUrl: string;
}

/**
 * How an app's processes are started: from its bundle on the pinned Node.js (the default), or from
 * its container image (app-images.ts), so one scenario runs against either.
 */
export interface AppLauncher {
  /** `main.js <args>` of the app with `env` (and NODE_ENV=development unless `env` sets it). */
  start(app: AppName, args: string[], env: Record<string, string>): ServiceProcess;
}

export const bundleLauncher: AppLauncher = {
  start: (app, args, env) => startServiceProcess(join(dist, app, 'main.js'), args, env, ['--enable-source-maps']),
};

let defaultLauncher: AppLauncher = bundleLauncher;

/** Every platform this test file starts from now on starts its apps with `launcher`. */
export function launchAppsWith(launcher: AppLauncher): void {
  defaultLauncher = launcher;
}

/** Runs a command of an app to its end (such as `migrate`), failing with its output when it fails. */
async function runCommand(launcher: AppLauncher, app: AppName, args: string[], env: Record<string, string>): Promise<string> {
  const command = launcher.start(app, args, env);
  const code = await command.exited();
  if (code !== 0) throw new Error(`${app} ${args.join(' ')} exited with ${code}:\n${command.output()}`);
  return command.output();
}

const publishingApps: AppName[] = ['inventory-service', 'earnings-service', 'consignor-service', 'notification-service', 'reconciler'];

export class PlatformUnderTest {
  readonly kafka: Kafka;
  /** Where this platform's groups started reading (empty when they read each topic from its beginning). */
  readonly startOffsets: StartOffsets = new Map();
  private readonly processes = new Map<AppName, ServiceProcess>();
  /** Instances beyond the first, sharing its database and consumer group. */
  private readonly addedInstances: Array<AppInstance & { process: ServiceProcess }> = [];
  /** Apps whose added instances were killed, one entry each: their numbers are not given again. */
  private readonly killedInstances: AppName[] = [];

  private constructor(
    readonly apps: AppName[],
    /** Where each app listens: for the gateway, its public (webhook) listener. */
    readonly urls: Record<AppName, string>,
    /** Where each app's read, admin and metrics endpoints are: for the gateway, its internal listener. */
    readonly internalUrls: Record<AppName, string>,
    readonly databases: Record<AppName, TemporaryDatabase>,
    readonly groups: Record<ConsumerApp, string>,
    private readonly env: Record<AppName, Record<string, string>>,
    kafkaBrokers: string[],
    private readonly launcher: AppLauncher,
  ) {
    this.kafka = new Kafka({ clientId: 'platform-e2e', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  }

  /**
   * `skipHistory`: the consumer groups start at the current end of their topics, as on a fresh
   * cluster, instead of replaying what other test files left there (which may share ids with the
   * committed fixtures this file sends). `startAt`: the groups start where another platform's
   * started, so that both read the same history. `kafkaBrokers`: another (plain) cluster than the
   * shared one, for the apps and for this class' own client alike. `launcher`: how the apps start
   * (by default their bundles, or what launchAppsWith set).
   */
  static async start(
    apps: AppName[],
    sharedEnv: Record<string, string> = {},
    appEnv: Partial<Record<AppName, Record<string, string>>> = {},
    options: { skipHistory?: boolean; startAt?: StartOffsets; kafkaBrokers?: string[]; launcher?: AppLauncher } = {},
  ): Promise<PlatformUnderTest> {
    const launcher = options.launcher ?? defaultLauncher;
    const endpoints = testEndpoints();
    const kafkaBrokers = options.kafkaBrokers ?? endpoints.kafkaBrokers;
    const shared = {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      SMTP_URL: endpoints.smtpUrl,
      LOG_LEVEL: 'info',
      ...sharedEnv,
    };
    const urls = {} as Record<AppName, string>;
    const internalUrls = {} as Record<AppName, string>;
    const databases = {} as Record<AppName, TemporaryDatabase>;
    const groups = {} as Record<ConsumerApp, string>;
    const env = {} as Record<AppName, Record<string, string>>;
    const run = randomUUID().slice(0, 8);
    for (const app of apps) {
      const prefix = envPrefix(app);
      const port = await freePort();
      databases[app] = await createTemporaryDatabase(endpoints.postgresServerUrl, `consign_${prefix.toLowerCase()}_e2e`);
      urls[app] = `http://127.0.0.1:${port}`;
      internalUrls[app] = urls[app];
      env[app] = { ...shared, [`${prefix}_PORT`]: String(port), [`${prefix}_DATABASE_URL`]: databases[app].url, ...appEnv[app] };
      if (app === 'gateway') {
        const internalPort = await freePort();
        internalUrls[app] = `http://127.0.0.1:${internalPort}`;
        env[app].GATEWAY_INTERNAL_PORT = String(internalPort);
      }
      if (app !== 'gateway' && app !== 'reconciler') {
        groups[app] = `${app}-e2e-${run}`;
        env[app][`${prefix}_CONSUMER_GROUP`] = groups[app];
      }
      // The audit topic has one partition: a group shared with another run would leave this one none.
      if (app === 'reconciler') env[app].RECONCILER_AUDIT_CONSUMER_GROUP = `reconciler-audit-e2e-${run}`;
    }
    // Each app migrates its own database: side by side, as independent deploys would.
    await Promise.all(apps.map((app) => runCommand(launcher, app, ['migrate'], env[app])));
    // The reconciler reads the projections through the services' read APIs.
    if (apps.includes('reconciler'))
      Object.assign(env.reconciler, {
        RECONCILER_INVENTORY_URL: urls['inventory-service'],
        RECONCILER_EARNINGS_URL: urls['earnings-service'],
      });
    const platform = new PlatformUnderTest(apps, urls, internalUrls, databases, groups, env, kafkaBrokers, launcher);
    if (options.skipHistory) await platform.skipToEnd();
    if (options.startAt) await platform.startGroupsAt(options.startAt);
    for (const app of apps) platform.launch(app);
    await platform.ready(apps);
    return platform;
  }

  private launch(app: AppName): void {
    this.processes.set(app, this.launcher.start(app, [], this.env[app]));
  }

  /** Runs one of an app's commands (such as `rewrap-personal-data-keys`) with its environment, as it was launched. */
  run(app: AppName, args: string[]): Promise<string> {
    return runCommand(this.launcher, app, args, this.env[app]);
  }

  async ready(apps: AppName[] = this.apps): Promise<void> {
    try {
      await waitFor(
        `${apps.join(', ')} to be ready`,
        async () => {
          const answers = await Promise.all(apps.map((app) => fetch(`${this.urls[app]}/readyz`)));
          return answers.every((answer) => answer.status === 200) ? true : undefined;
        },
        120_000,
        250,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n${apps.map((app) => `--- ${app} output ---\n${this.output(app).slice(-4000)}`).join('\n')}`,
      );
    }
  }

  output(app: AppName): string {
    return this.processes.get(app)?.output() ?? '';
  }

  /**
   * Starts one more instance of a started app: the same settings, database and consumer group,
   * its own ports. Resolves once it is ready.
   */
  async addInstance(app: AppName): Promise<AppInstance> {
    const prefix = envPrefix(app);
    const port = await freePort();
    const env = { ...this.env[app], [`${prefix}_PORT`]: String(port) };
    const url = `http://127.0.0.1:${port}`;
    let internalUrl = url;
    if (app === 'gateway') {
      const internalPort = await freePort();
      env.GATEWAY_INTERNAL_PORT = String(internalPort);
      internalUrl = `http://127.0.0.1:${internalPort}`;
    }
    const instance = {
      app,
      number:
        2 +
        this.addedInstances.filter((added) => added.app === app).length +
        this.killedInstances.filter((killed) => killed === app).length,
      url,
      internalUrl,
    };
    const child = this.launcher.start(app, [], env);
    this.addedInstances.push({ ...instance, process: child });
    await waitFor(
      `${app} instance ${instance.number} to be ready`,
      async () => ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined),
      120_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${app} instance ${instance.number} output ---\n${child.output().slice(-4000)}`);
    });
    return instance;
  }

  /** Every running instance of an app, the first one first. */
  instances(app: AppName): AppInstance[] {
    const first = this.processes.has(app) ? [{ app, number: 1, url: this.urls[app], internalUrl: this.internalUrls[app] }] : [];
    return [...first, ...this.addedInstances.filter((instance) => instance.app === app).map(({ process: _, ...instance }) => instance)];
  }

  /** SIGKILL one instance: no shutdown, no leaving the group, no flushing; as when its machine dies. */
  async kill(app: AppName, number: number): Promise<void> {
    if (number === 1) {
      await this.processes.get(app)?.stop('SIGKILL');
      this.processes.delete(app);
      return;
    }
    const index = this.addedInstances.findIndex((instance) => instance.app === app && instance.number === number);
    const [killed] = index >= 0 ? this.addedInstances.splice(index, 1) : [];
    if (killed) this.killedInstances.push(app);
    await killed?.process.stop('SIGKILL');
  }

  async stop(app: AppName): Promise<number | null> {
    const exit = await this.processes.get(app)?.stop('SIGTERM');
    this.processes.delete(app);
    return exit ?? null;
  }

  async restart(app: AppName, extraEnv: Record<string, string> = {}): Promise<void> {
    await this.stop(app);
    Object.assign(this.env[app], extraEnv);
    this.launch(app);
    await this.ready([app]);
  }

  /** The environment an app runs with (the operator tool uses the same database and group names). */
  environment(app: AppName): Record<string, string> {
    return { ...this.env[app] };
  }

  /** GET a JSON document from one app's read API, with the development key. */
  async read<T>(app: AppName, path: string): Promise<T> {
    const response = await fetch(`${this.internalUrls[app]}${path}`, { headers: { authorization: `Bearer ${developmentAdminKey}` } });
    if (!response.ok) throw new Error(`GET ${app} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async query<T = Record<string, unknown>>(app: AppName, sql: string, parameters: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databases[app].url });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /**
   * Waits until the platform is quiet: the gateway's spool and every outbox relayed, and every
   * consumer group committed up to the end of its topics, twice in a row (a consumer may still be
   * publishing what it caused).
   */
  async settled(timeoutMs = 90_000): Promise<void> {
    let quietRounds = 0;
    await waitFor(
      'every outbox to be relayed and every consumer group to reach the end of its topics',
      async () => {
        quietRounds = (await this.isQuiet()) ? quietRounds + 1 : 0;
        return quietRounds >= 2 ? true : undefined;
      },
      timeoutMs,
      300,
    );
  }

  private async isQuiet(): Promise<boolean> {
    // What the gateway spooled while Kafka did not answer is not on the topics yet.
    if (this.apps.includes('gateway')) {
      const [{ spooled }] = await this.query<{ spooled: number }>('gateway', 'SELECT count(*)::int AS spooled FROM webhook_spool');
      if (spooled > 0) return false;
    }
    for (const app of publishingApps.filter((candidate) => this.apps.includes(candidate))) {
      const [{ pending }] = await this.query<{ pending: number }>(
        app,
        'SELECT count(*)::int AS pending FROM outbox_events WHERE published_at IS NULL',
      );
      if (pending > 0) return false;
    }
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const [app, group] of Object.entries(this.groups) as Array<[ConsumerApp, string]>) {
        const committed = await admin.fetchOffsets({ groupId: group, topics: consumedTopics[app] });
        for (const topic of consumedTopics[app]) {
          const ends = await admin.fetchTopicOffsets(topic);
          for (const end of ends) {
            const offset =
              committed.find((entry) => entry.topic === topic)?.partitions.find((partition) => partition.partition === end.partition)
                ?.offset ?? '-1';
            if (BigInt(end.high) > 0n && BigInt(offset) < BigInt(end.high)) return false;
          }
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  /** Commits every consumer group at the end of the topics it reads; topics not created yet hold no history. */
  private async skipToEnd(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const topic of new Set(Object.values(consumedTopics).flat())) {
        // The end offsets themselves: resetOffsets' "latest" commits -1, which a group that starts from the beginning reads as earliest.
        if (existing.has(topic))
          this.startOffsets.set(
            topic,
            (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high })),
          );
      }
    } finally {
      await admin.disconnect();
    }
    await this.startGroupsAt(this.startOffsets);
  }

  private async startGroupsAt(offsets: StartOffsets): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const [app, group] of Object.entries(this.groups) as Array<[ConsumerApp, string]>) {
        for (const topic of consumedTopics[app]) {
          const partitions = offsets.get(topic);
          if (partitions !== undefined) await admin.setOffsets({ groupId: group, topic, partitions });
        }
      }
      for (const [topic, partitions] of offsets) this.startOffsets.set(topic, partitions);
    } finally {
      await admin.disconnect();
    }
  }

  /** Rewinds one consumer group to the earliest offset of a topic; the group must have no members. */
  async rewindToEarliest(app: ConsumerApp, topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId: this.groups[app], topic, earliest: true });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Every table of one app's database, rows in a stable order: what "no change" is measured on.
   * `omitColumn` leaves out the columns (such as processing times) it answers true for.
   */
  async snapshot(
    app: AppName,
    exclude: string[] = ['schema_migrations'],
    omitColumn: (column: string, table: string) => boolean = () => false,
  ): Promise<Record<string, unknown[]>> {
    const tables = await this.query<{ table_name: string }>(
      app,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const snapshot: Record<string, unknown[]> = {};
    for (const { table_name: table } of tables) {
      if (exclude.includes(table)) continue;
      const rows = await this.query(app, `SELECT * FROM "${table}"`);
      snapshot[table] = rows
        .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([column]) => !omitColumn(column, table)))))
        .sort();
    }
    return snapshot;
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((app) => this.stop(app)));
    await Promise.all(this.addedInstances.splice(0).map((instance) => instance.process.stop('SIGTERM')));
    for (const database of Object.values(this.databases)) await database.drop();
  }
}
