import * as fs from 'node:fs';

import {
  ALL_PARTS,
  APICURIO_VERSION,
  kafkaNodeProcess,
  KAFKA_VERSION,
  MANAGED_PARTS,
  resolvePaths,
  resolveSettings,
  type ManagedPart,
  type PartName,
  type Paths,
  type Settings,
} from './config';
import { databaseNames } from './databases';
import { fetchAll, isKafkaFetched, isRegistryFetched } from './fetch';
import { isExternalKafkaReachable, isKafkaHealthy, kafkaStartSpec, prepareKafka } from './kafka';
import { clusterProcessPaths, ensureKafkaCluster, kafkaClusterStatus, stopKafkaCluster, type KafkaClusterLayout } from './kafka-cluster';
import { withLock } from './lock';
import { isExternalSmtpReachable, isMailSinkHealthy, mailSinkStartSpec } from './mail';
import { isMonitoringHealthy, monitoringStartSpec, prepareLocalMonitoring } from './monitoring';
import {
  ensureDatabases,
  ensurePostgres,
  isPostgresHealthy,
  maskPassword,
  resolvePostgres,
  withDatabase,
  type PostgresConfig,
} from './postgres';
import { findOurProcess, removePidFile, rssMiB, startDetached, stopProcessGroup, waitUntilHealthy, type StartSpec } from './process';
import { isExternalRegistryReachable, isRegistryHealthy, registryStartSpec } from './registry';
import { defaultLogger, InfraError, isPortInUse, portHint, seconds, type Logger } from './util';

export interface InfraEndpoints {
  /** Comma-separated, as in KAFKA_BROKERS. */
  kafkaBrokers: string;
  /** Confluent-compatible API base (Apicurio's /apis/ccompat/v7 when local), as in SCHEMA_REGISTRY_URL. */
  schemaRegistryUrl: string;
  /** Apicurio's root URL (native API under /apis/registry/v3) when it runs locally. */
  registryUrl: string | null;
  /** Admin connection to the `postgres` maintenance database. */
  postgresUrl: string;
  /** One URL per database of databaseNames(). */
  databaseUrls: Record<string, string>;
  /** Where apps send mail, as in SMTP_URL (the mail sink when local). */
  smtpUrl: string;
  /** The mail sink's HTTP API (GET /api/messages), as in MAIL_SINK_URL; null for an external SMTP server without one. */
  mailSinkUrl: string | null;
}

export interface EnsureInfraOptions {
  /** Default: all of postgres, kafka, registry, mail. The registry implies postgres. */
  parts?: PartName[];
  /** Progress output; default prints `[infra] ...` lines to stdout. */
  log?: Logger;
  /** Per-part health timeout; default INFRA_START_TIMEOUT_MS or 180 s. */
  timeoutMs?: number;
  /** Download missing jars first (default true); false fails instead. */
  fetch?: boolean;
}

export interface EnsureInfraResult {
  /** Parts this call started (empty when everything was already up). */
  started: PartName[];
  createdDatabases: string[];
  endpoints: InfraEndpoints;
}

export interface PartStatus {
  part: PartName;
  /** local: our child process; external: KAFKA_BROKERS / SCHEMA_REGISTRY_URL / SMTP_URL; system: the machine's PostgreSQL. */
  mode: 'local' | 'external' | 'system';
  state: 'running' | 'stopped';
  pid: number | null;
  endpoint: string;
  healthy: boolean;
  rssMiB: number | null;
}

export function infraEndpoints(settings: Settings = resolveSettings(), pg: PostgresConfig = resolvePostgres()): InfraEndpoints {
  const databaseUrls: Record<string, string> = {};
  for (const name of databaseNames()) databaseUrls[name] = withDatabase(pg.adminUrl, name);
  return {
    kafkaBrokers: settings.kafkaBrokers,
    schemaRegistryUrl: settings.schemaRegistryUrl,
    registryUrl: settings.registryExternal ? null : `http://${settings.host}:${settings.registryPort}`,
    postgresUrl: pg.adminUrl,
    databaseUrls,
    smtpUrl: settings.smtpUrl,
    mailSinkUrl: settings.mailSinkUrl,
  };
}

interface ManagedDef {
  part: ManagedPart;
  label: string;
  ports: (s: Settings) => number[];
  /** The variables that move those ports, for the message when one is taken. */
  portVariables: string[];
  healthy: (s: Settings) => Promise<boolean>;
  prepare: (paths: Paths, s: Settings, log: Logger) => Promise<void>;
  spec: (paths: Paths, s: Settings, pg: PostgresConfig) => StartSpec;
  endpoint: (s: Settings) => string;
  isExternal: (s: Settings) => boolean;
  externalReachable: (s: Settings) => Promise<boolean>;
}

const MANAGED: Record<ManagedPart, ManagedDef> = {
  kafka: {
    part: 'kafka',
    label: `Kafka ${KAFKA_VERSION}`,
    ports: (s) => [s.kafkaPort, s.kafkaControllerPort, s.kafkaSaslSslPort],
    portVariables: ['KAFKA_PORT', 'KAFKA_CONTROLLER_PORT', 'KAFKA_SASL_SSL_PORT'],
    healthy: (s) => isKafkaHealthy(`${s.host}:${s.kafkaPort}`),
    prepare: prepareKafka,
    spec: (paths) => kafkaStartSpec(paths),
    endpoint: (s) => s.kafkaBrokers,
    isExternal: (s) => s.kafkaExternal,
    externalReachable: (s) => isExternalKafkaReachable(s.kafkaBrokers),
  },
  registry: {
    part: 'registry',
    label: `Apicurio Registry ${APICURIO_VERSION}`,
    ports: (s) => [s.registryPort, s.registryManagementPort],
    portVariables: ['REGISTRY_PORT', 'REGISTRY_MANAGEMENT_PORT'],
    healthy: (s) => isRegistryHealthy(`http://${s.host}:${s.registryPort}/apis/ccompat/v7`),
    prepare: async () => undefined,
    spec: registryStartSpec,
    endpoint: (s) => s.schemaRegistryUrl,
    isExternal: (s) => s.registryExternal,
    externalReachable: (s) => isExternalRegistryReachable(s.schemaRegistryUrl),
  },
  mail: {
    part: 'mail',
    label: 'mail sink',
    ports: (s) => [s.mailSmtpPort, s.mailHttpPort],
    portVariables: ['MAIL_SINK_SMTP_PORT', 'MAIL_SINK_HTTP_PORT'],
    healthy: isMailSinkHealthy,
    prepare: async () => undefined,
    spec: (paths, s) => mailSinkStartSpec(paths, s),
    endpoint: (s) => `${s.smtpUrl}${s.mailSinkUrl ? ` (API ${s.mailSinkUrl})` : ''}`,
    isExternal: (s) => s.mailExternal,
    externalReachable: (s) => isExternalSmtpReachable(s.smtpUrl),
  },
  monitoring: {
    part: 'monitoring',
    label: 'Prometheus and Alertmanager',
    ports: (s) => [s.prometheusPort, s.alertmanagerPort],
    portVariables: ['PROMETHEUS_PORT', 'ALERTMANAGER_PORT'],
    healthy: isMonitoringHealthy,
    prepare: prepareLocalMonitoring,
    spec: (paths, s) => monitoringStartSpec(paths, s),
    endpoint: (s) => `http://${s.host}:${s.prometheusPort} (Alertmanager http://${s.host}:${s.alertmanagerPort})`,
    isExternal: () => false,
    externalReachable: async () => false,
  },
};

function isExternal(part: ManagedPart, s: Settings): boolean {
  return MANAGED[part].isExternal(s);
}

/** The cluster mode's nodes, in infra/local/.run/kafka-cluster, sharing the single broker's CA for their SASL_SSL listeners. */
export function localClusterLayout(paths: Paths, s: Settings): KafkaClusterLayout {
  return { host: s.host, runDir: paths.kafkaClusterDir, nodes: s.kafkaNodes, tlsDir: paths.kafkaTlsDir };
}

/** The most nodes KAFKA_BROKER_COUNT allows: `down` and `status` look for all of them, whatever the count now is. */
const MAX_CLUSTER_NODES = 5;

function runningClusterNodes(paths: Paths): number[] {
  const processPaths = clusterProcessPaths({ host: '127.0.0.1', runDir: paths.kafkaClusterDir, nodes: [] });
  const ids = Array.from({ length: MAX_CLUSTER_NODES }, (_, index) => index + 1);
  return ids.filter((nodeId) => findOurProcess(kafkaNodeProcess(nodeId), processPaths) !== undefined);
}

/** Kafka in the mode KAFKA_BROKER_COUNT asks for; the other mode must not be running, as both use the same ports. */
async function ensureLocalKafka(paths: Paths, s: Settings, pg: PostgresConfig, log: Logger, timeoutMs: number): Promise<boolean> {
  if (s.kafkaBrokerCount === 1) {
    const nodes = runningClusterNodes(paths);
    if (nodes.length > 0)
      throw new InfraError(
        `the local Kafka cluster runs (nodes ${nodes.join(', ')}); stop it with \`down kafka\` or keep KAFKA_BROKER_COUNT=${nodes.length}`,
      );
    return ensureManaged(MANAGED.kafka, paths, s, pg, log, timeoutMs);
  }
  const single = findOurProcess('kafka', paths);
  if (single !== undefined)
    throw new InfraError(
      `the single local broker runs (pid ${single}); stop it with \`down kafka\` before starting ${s.kafkaBrokerCount} brokers`,
    );
  const started = await ensureKafkaCluster(localClusterLayout(paths, s), { log, timeoutMs, paths });
  return started.length > 0;
}

/** Starts the part unless it already runs; returns true when it started it. */
async function ensureManaged(
  def: ManagedDef,
  paths: Paths,
  s: Settings,
  pg: PostgresConfig,
  log: Logger,
  timeoutMs: number,
): Promise<boolean> {
  const existing = findOurProcess(def.part, paths);
  if (existing !== undefined) {
    if (await def.healthy(s)) {
      log(`${def.label} already running (pid ${existing}) and healthy`);
      return false;
    }
    log(`${def.label} already running (pid ${existing}) but not healthy yet; waiting`);
    await waitUntilHealthy({ part: def.part, pid: existing, timeoutMs, check: () => def.healthy(s), log, paths });
    log(`${def.label} healthy`);
    return false;
  }
  for (const port of def.ports(s)) {
    if (await isPortInUse(port, s.host)) {
      throw new InfraError(
        `${def.label}: port ${port} is already in use by a process that \`up\` did not start (no matching pid file). ` +
          `Stop it or choose other ports (${def.portVariables.join(', ')}); ${portHint(port)}`,
      );
    }
  }
  await def.prepare(paths, s, log);
  const spec = def.spec(paths, s, pg);
  const pid = startDetached(spec, paths);
  log(`started ${def.label} (pid ${pid}, log ${paths.logFile(def.part)}); waiting until healthy`);
  const took = await waitUntilHealthy({
    part: def.part,
    pid,
    timeoutMs,
    check: () => def.healthy(s),
    log,
    paths,
    diagnostics: def.part === 'kafka' ? () => `Broker log: ${paths.logs}/kafka-server.log` : undefined,
  });
  log(`${def.label} healthy after ${seconds(took)} at ${def.endpoint(s)}`);
  return true;
}

/**
 * Starts whatever of PostgreSQL (the machine's), Kafka, Apicurio Registry and the mail sink is not
 * running yet, creates the databases, and returns what it started plus the endpoints.
 * Safe to call concurrently and repeatedly.
 */
export async function ensureInfraUp(options: EnsureInfraOptions = {}): Promise<EnsureInfraResult> {
  const log = options.log ?? defaultLogger;
  const paths = resolvePaths();
  const s = resolveSettings();
  const pg = resolvePostgres();
  const timeoutMs = options.timeoutMs ?? s.startTimeoutMs;
  const parts = new Set<PartName>(options.parts ?? ALL_PARTS);
  if (parts.has('registry') && !s.registryExternal) parts.add('postgres');

  const localKafka = parts.has('kafka') && !s.kafkaExternal;
  const localRegistry = parts.has('registry') && !s.registryExternal;

  return withLock(paths.lockFile, log, 15 * 60_000, async () => {
    const started: PartName[] = [];
    const missing = (localKafka && !isKafkaFetched(paths)) || (localRegistry && !isRegistryFetched(paths));
    if (missing) {
      if (options.fetch === false) {
        throw new InfraError('Kafka/Apicurio jars are not fetched yet; run `npx tsx infra/local/src/cli.ts fetch`.');
      }
      await fetchAll(paths, log, { kafka: localKafka, registry: localRegistry });
    }

    let createdDatabases: string[] = [];
    if (parts.has('postgres')) {
      const state = await ensurePostgres(pg, log);
      if (state === 'started') started.push('postgres');
      createdDatabases = await ensureDatabases(pg);
      log(
        `PostgreSQL ${state === 'started' ? 'started' : 'reachable'} at ${pg.host}:${pg.port}` +
          (createdDatabases.length > 0 ? `; created ${createdDatabases.join(', ')}` : '; databases present'),
      );
    }

    const managed = MANAGED_PARTS.filter((p) => parts.has(p));
    for (const part of managed.filter((p) => isExternal(p, s))) {
      const endpoint = MANAGED[part].endpoint(s);
      const reachable = await MANAGED[part].externalReachable(s);
      log(`${part}: using external ${endpoint}${reachable ? '' : ' (warning: not reachable from here)'}`);
    }
    // Kafka, the registry and the mail sink do not depend on each other: start them side by side.
    const results = await Promise.allSettled(
      managed
        .filter((p) => !isExternal(p, s))
        .map(async (p) =>
          (await (p === 'kafka' ? ensureLocalKafka(paths, s, pg, log, timeoutMs) : ensureManaged(MANAGED[p], paths, s, pg, log, timeoutMs)))
            ? p
            : undefined,
        ),
    );
    const errors: string[] = [];
    for (const r of results) {
      if (r.status === 'fulfilled') {
        if (r.value) started.push(r.value);
      } else {
        errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
      }
    }
    if (errors.length > 0) throw new InfraError(errors.join('\n\n'));
    return { started, createdDatabases, endpoints: infraEndpoints(s, pg) };
  });
}

/** Downloads Kafka and Apicurio into infra/local/.cache unless already there. */
export async function fetchInfra(options: { log?: Logger } = {}): Promise<void> {
  await fetchAll(resolvePaths(), options.log ?? defaultLogger);
}

export interface StopOptions {
  /** Also delete Kafka's data (a fresh cluster next time). */
  purge?: boolean;
  log?: Logger;
}

/** Stops the processes `up` started (never the machine's PostgreSQL); returns the stopped parts. */
export async function stopInfra(parts?: string[], options: StopOptions = {}): Promise<PartName[]> {
  const log = options.log ?? defaultLogger;
  const paths = resolvePaths();
  const wanted = parts ?? [...MANAGED_PARTS];
  for (const p of wanted) {
    if (p !== 'postgres' && !(MANAGED_PARTS as readonly string[]).includes(p)) {
      throw new InfraError(`unknown part "${p}" (expected ${['postgres', ...MANAGED_PARTS].join(', ')})`);
    }
  }
  return withLock(paths.lockFile, log, 5 * 60_000, async () => {
    if (wanted.includes('postgres')) log("PostgreSQL is the machine's server: leaving it running");
    const stopped: PartName[] = [];
    // Registry first: it is the one more likely to be mid-request.
    for (const part of ['monitoring', 'registry', 'kafka', 'mail'] as const) {
      if (!wanted.includes(part)) continue;
      if (part === 'kafka') {
        const nodes = runningClusterNodes(paths).map((nodeId) => ({ nodeId }));
        if (nodes.length > 0 && (await stopKafkaCluster({ runDir: paths.kafkaClusterDir, nodes }, log)).length > 0) stopped.push('kafka');
      }
      const pid = findOurProcess(part, paths);
      if (pid === undefined) {
        if (!stopped.includes(part)) log(`${MANAGED[part].label} is not running`);
        continue;
      }
      const started = Date.now();
      const how = await stopProcessGroup(pid);
      removePidFile(part, paths);
      stopped.push(part);
      log(`stopped ${MANAGED[part].label} (pid ${pid}) in ${seconds(Date.now() - started)}${how === 'killed' ? ' (had to SIGKILL)' : ''}`);
    }
    if (options.purge) {
      if (findOurProcess('kafka', paths) !== undefined || runningClusterNodes(paths).length > 0) {
        throw new InfraError('refusing to purge Kafka data while Kafka is running; run `down --purge` without a part list');
      }
      fs.rmSync(paths.kafkaData, { recursive: true, force: true });
      fs.rmSync(paths.kafkaFormatInfo, { force: true });
      fs.rmSync(paths.kafkaClusterId, { force: true });
      fs.rmSync(paths.kafkaClusterDir, { recursive: true, force: true });
      log(`purged Kafka data (${paths.kafkaData}, ${paths.kafkaClusterDir})`);
    }
    return stopped;
  });
}

/** One entry per part; never throws for a stopped part. */
export async function infraStatus(): Promise<PartStatus[]> {
  const paths = resolvePaths();
  const s = resolveSettings();
  const pg = resolvePostgres();
  const result: PartStatus[] = [];
  const pgHealthy = await isPostgresHealthy(pg);
  result.push({
    part: 'postgres',
    mode: 'system',
    state: pgHealthy ? 'running' : 'stopped',
    pid: null,
    endpoint: maskPassword(pg.adminUrl),
    healthy: pgHealthy,
    rssMiB: null,
  });
  for (const part of MANAGED_PARTS) {
    const def = MANAGED[part];
    if (isExternal(part, s)) {
      const endpoint = def.endpoint(s);
      const reachable = await def.externalReachable(s);
      result.push({
        part,
        mode: 'external',
        state: reachable ? 'running' : 'stopped',
        pid: null,
        endpoint,
        healthy: reachable,
        rssMiB: null,
      });
      continue;
    }
    if (part === 'kafka' && (s.kafkaBrokerCount > 1 || runningClusterNodes(paths).length > 0)) {
      // One line per node of the cluster mode, whichever count started it.
      const count = Math.max(s.kafkaBrokerCount, ...runningClusterNodes(paths));
      const layout = localClusterLayout(paths, resolveSettings({ ...process.env, KAFKA_BROKER_COUNT: String(count) }));
      for (const node of await kafkaClusterStatus(layout)) {
        result.push({
          part,
          mode: 'local',
          state: node.pid !== null ? 'running' : 'stopped',
          pid: node.pid,
          endpoint: `${node.endpoint} (node ${node.nodeId})`,
          healthy: node.healthy,
          rssMiB: node.rssMiB,
        });
      }
      continue;
    }
    const pid = findOurProcess(part, paths) ?? null;
    const healthy = pid !== null && (await def.healthy(s));
    result.push({
      part,
      mode: 'local',
      state: pid !== null ? 'running' : 'stopped',
      pid,
      endpoint: def.endpoint(s),
      healthy,
      rssMiB: pid !== null ? (rssMiB(pid) ?? null) : null,
    });
  }
  return result;
}
