import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import {
  KAFKA_MIN_JAVA,
  KAFKA_VERSION,
  kafkaNodeProcess,
  localKafkaScramUser,
  resolvePaths,
  type KafkaNodeAddress,
  type Paths,
} from './config';
import { isKafkaFetched } from './fetch';
import { findJava } from './java';
import { brokerJvmFlags, classpath, ensureBrokerCertificates, execJava, isKafkaHealthy, randomClusterId } from './kafka';
import {
  findOurProcess,
  isAlive,
  markerArgs,
  removePidFile,
  rssMiB,
  startDetached,
  stopProcessGroup,
  waitUntilHealthy,
  type ProcessPaths,
  type StartSpec,
} from './process';
import {
  canConnect,
  defaultLogger,
  ensureDir,
  InfraError,
  isPortInUse,
  portHint,
  readTextIfExists,
  seconds,
  sleep,
  writeFileAtomic,
  type Logger,
} from './util';

/**
 * A local Kafka cluster of several combined broker+controller nodes with a static quorum of all of
 * them: what `up` starts with KAFKA_BROKER_COUNT > 1, and what a test starts on its own ports and in
 * its own folder beside the shared single broker (startLocalKafkaCluster).
 */
export interface KafkaClusterLayout {
  host: string;
  /** This cluster's own folder: cluster.id, pid files, JVM output in logs/, and node-<id>/ (server.properties, data, logs). */
  runDir: string;
  nodes: KafkaNodeAddress[];
  /** The PEM keystore's folder, for nodes with a SASL_SSL listener. */
  tlsDir?: string;
}

/** The cluster's replication: three copies and two in sync for an acknowledged write, fewer only when there are fewer nodes. */
export function clusterReplication(nodeCount: number): { replicationFactor: number; minInSyncReplicas: number } {
  const replicationFactor = Math.min(3, nodeCount);
  return { replicationFactor, minInSyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

export function clusterNodeDir(layout: KafkaClusterLayout, nodeId: number): string {
  return path.join(layout.runDir, `node-${nodeId}`);
}

export function clusterProcessPaths(layout: KafkaClusterLayout): ProcessPaths {
  return {
    home: layout.runDir,
    pidFile: (name) => path.join(layout.runDir, `${name}.pid`),
    logFile: (name) => path.join(layout.runDir, 'logs', `${name}.log`),
  };
}

export function clusterBrokers(layout: KafkaClusterLayout): string[] {
  return layout.nodes.map((node) => `${layout.host}:${node.brokerPort}`);
}

export function clusterNodeProperties(layout: KafkaClusterLayout, node: KafkaNodeAddress): string {
  const { host } = layout;
  const { replicationFactor, minInSyncReplicas } = clusterReplication(layout.nodes.length);
  const sasl = node.saslSslPort !== undefined;
  if (sasl && layout.tlsDir === undefined)
    throw new InfraError(`Kafka node ${node.nodeId} has a SASL_SSL port but the cluster has no tlsDir`);
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    // A static quorum: every node votes, so the cluster keeps its controller while a majority lives.
    'controller.quorum.voters': layout.nodes.map((voter) => `${voter.nodeId}@${host}:${voter.controllerPort}`).join(','),
    listeners: [
      `PLAINTEXT://${host}:${node.brokerPort}`,
      `CONTROLLER://${host}:${node.controllerPort}`,
      ...(sasl ? [`SASL_SSL://${host}:${node.saslSslPort}`] : []),
    ].join(','),
    'advertised.listeners': [`PLAINTEXT://${host}:${node.brokerPort}`, ...(sasl ? [`SASL_SSL://${host}:${node.saslSslPort}`] : [])].join(
      ',',
    ),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': `CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${sasl ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(sasl && layout.tlsDir !== undefined
      ? {
          'sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256',
          'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
          'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
          'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
          'listener.name.sasl_ssl.ssl.keystore.location': path.join(layout.tlsDir, 'broker-keystore.pem'),
        }
      : {}),
    'log.dirs': path.join(clusterNodeDir(layout, node.nodeId), 'data'),
    'num.partitions': 3,
    'default.replication.factor': replicationFactor,
    'min.insync.replicas': minInSyncReplicas,
    'offsets.topic.replication.factor': replicationFactor,
    // 50 partitions each (Kafka's default) are 300 replicas for three small nodes to lead and follow.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': replicationFactor,
    'transaction.state.log.min.isr': minInSyncReplicas,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': replicationFactor,
    'share.coordinator.state.topic.min.isr': minInSyncReplicas,
    // A replica that was not in sync never becomes leader: that would drop acknowledged records.
    'unclean.leader.election.enable': false,
    'group.initial.rebalance.delay.ms': 0,
    // Three JVMs share the machine's cores: fewer request threads each than Kafka's 3 + 8.
    'num.network.threads': 2,
    'num.io.threads': 4,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    'auto.create.topics.enable': false,
  };
  const lines = Object.entries(props).map(([key, value]) => `${key}=${value}`);
  return `# Generated by infra/local/src/kafka-cluster.ts on every start; edit there, not here.\n${lines.join('\n')}\n`;
}

/** Small heaps: three nodes run beside the apps on a laptop. KAFKA_NODE_HEAP_OPTS overrides. */
export const defaultNodeHeapOpts = '-Xms128m -Xmx256m';

export function kafkaNodeStartSpec(
  layout: KafkaClusterLayout,
  node: KafkaNodeAddress,
  libs: Pick<Paths, 'kafkaLibs' | 'kafkaLog4j'>,
  heapOpts: string,
  javaBin: string,
): StartSpec {
  const dir = clusterNodeDir(layout, node.nodeId);
  const name = kafkaNodeProcess(node.nodeId);
  return {
    part: name,
    command: javaBin,
    args: [
      ...heapOpts.split(/\s+/).filter((arg) => arg.length > 0),
      ...brokerJvmFlags,
      ...markerArgs(name, clusterProcessPaths(layout)),
      `-Dkafka.logs.dir=${path.join(dir, 'logs')}`,
      `-Dlog4j2.configurationFile=${libs.kafkaLog4j}`,
      '-cp',
      classpath(libs),
      'kafka.Kafka',
      path.join(dir, 'server.properties'),
    ],
    env: { ...process.env },
    cwd: dir,
  };
}

/** Writes each node's server.properties and formats the storage of the nodes that have none, all with one cluster id. */
async function prepareNodes(
  layout: KafkaClusterLayout,
  libs: Pick<Paths, 'kafkaLibs' | 'home'>,
  javaBin: string,
  log: Logger,
): Promise<void> {
  ensureDir(layout.runDir);
  const idFile = path.join(layout.runDir, 'cluster.id');
  let clusterId = readTextIfExists(idFile)?.trim();
  if (!clusterId) {
    clusterId = randomClusterId();
    writeFileAtomic(idFile, `${clusterId}\n`);
  }
  const id = clusterId;
  await Promise.all(
    layout.nodes.map(async (node) => {
      const dir = clusterNodeDir(layout, node.nodeId);
      const props = path.join(dir, 'server.properties');
      writeFileAtomic(props, clusterNodeProperties(layout, node));
      const data = path.join(dir, 'data');
      if (fs.existsSync(path.join(data, 'meta.properties'))) return;
      log(`formatting Kafka node ${node.nodeId} in ${data} (cluster id ${id})`);
      fs.rmSync(data, { recursive: true, force: true });
      const scram =
        node.saslSslPort === undefined
          ? []
          : ['SCRAM-SHA-512', 'SCRAM-SHA-256'].flatMap((mechanism) => [
              '--add-scram',
              `${mechanism}=[name=${localKafkaScramUser.username},password=${localKafkaScramUser.password}]`,
            ]);
      try {
        await execJava(javaBin, [
          '-Xmx128m',
          '-cp',
          classpath(libs),
          `-Dlog4j2.configurationFile=${path.join(libs.home, 'kafka', 'log4j2-tools.xml')}`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          id,
          '-c',
          props,
          ...scram,
        ]);
      } catch (err) {
        throw new InfraError(`formatting Kafka node ${node.nodeId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
}

/** Healthy = every node is registered with the controller and answers a metadata request. */
export async function isKafkaClusterHealthy(layout: KafkaClusterLayout, timeoutMs = 3000): Promise<boolean> {
  const brokers = clusterBrokers(layout);
  const reachable = await Promise.all(layout.nodes.map((node) => canConnect(node.brokerPort, layout.host, timeoutMs)));
  if (!reachable.every(Boolean)) return false;
  const admin = new Kafka({
    clientId: 'consign-infra-health',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length === layout.nodes.length && cluster.controller !== null && cluster.controller >= 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface EnsureClusterOptions {
  log?: Logger;
  timeoutMs?: number;
  heapOpts?: string;
  /** Where the jars and the log4j configuration are: the checkout's infra/local by default. */
  paths?: Paths;
}

/** Starts the nodes of the cluster that do not run yet and waits until all are in; returns the node ids it started. */
export async function ensureKafkaCluster(layout: KafkaClusterLayout, options: EnsureClusterOptions = {}): Promise<number[]> {
  const log = options.log ?? defaultLogger;
  const paths = options.paths ?? resolvePaths();
  const timeoutMs = options.timeoutMs ?? 180_000;
  if (!isKafkaFetched(paths)) throw new InfraError('Kafka jars are not fetched yet; run `npx tsx infra/local/src/cli.ts fetch`.');
  const java = findJava(KAFKA_MIN_JAVA, 'KAFKA_JAVA_HOME', `Kafka ${KAFKA_VERSION}`);
  const processPaths = clusterProcessPaths(layout);
  const missing = layout.nodes.filter((node) => findOurProcess(kafkaNodeProcess(node.nodeId), processPaths) === undefined);
  for (const node of missing) {
    for (const port of [node.brokerPort, node.controllerPort, ...(node.saslSslPort === undefined ? [] : [node.saslSslPort])]) {
      if (await isPortInUse(port, layout.host)) {
        throw new InfraError(
          `Kafka node ${node.nodeId}: port ${port} is already in use by a process we did not start. Stop it or move the ports (KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_SASL_SSL_PORT); ${portHint(port)}`,
        );
      }
    }
  }
  if (layout.tlsDir !== undefined && layout.nodes.some((node) => node.saslSslPort !== undefined))
    ensureBrokerCertificates({ ...paths, kafkaTlsDir: layout.tlsDir });
  await prepareNodes(layout, paths, java.bin, log);
  const heapOpts = options.heapOpts ?? process.env['KAFKA_NODE_HEAP_OPTS'] ?? defaultNodeHeapOpts;
  const started = missing.map((node) => {
    const pid = startDetached(kafkaNodeStartSpec(layout, node, paths, heapOpts, java.bin), processPaths);
    log(
      `started Kafka node ${node.nodeId} (pid ${pid}, ${layout.host}:${node.brokerPort}, log ${processPaths.logFile(kafkaNodeProcess(node.nodeId))})`,
    );
    return { node, pid };
  });
  const waited = Date.now();
  for (const { node, pid } of started) {
    await waitUntilHealthy({
      part: kafkaNodeProcess(node.nodeId),
      pid,
      timeoutMs,
      check: () => isKafkaClusterHealthy(layout),
      log,
      paths: processPaths,
      diagnostics: () => `Broker log: ${path.join(clusterNodeDir(layout, node.nodeId), 'logs', 'kafka-server.log')}`,
    });
  }
  if (started.length === 0 && !(await isKafkaClusterHealthy(layout))) {
    const first = layout.nodes[0];
    const pid = first && findOurProcess(kafkaNodeProcess(first.nodeId), processPaths);
    if (first && pid)
      await waitUntilHealthy({
        part: kafkaNodeProcess(first.nodeId),
        pid,
        timeoutMs,
        check: () => isKafkaClusterHealthy(layout),
        log,
        paths: processPaths,
      });
  }
  log(
    `Kafka cluster of ${layout.nodes.length} nodes healthy${started.length > 0 ? ` after ${seconds(Date.now() - waited)}` : ''} at ${clusterBrokers(layout).join(',')}`,
  );
  return started.map(({ node }) => node.nodeId);
}

/** Stops the cluster's running nodes (SIGTERM, SIGKILL after graceMs); returns the node ids it stopped. */
export async function stopKafkaCluster(
  layout: Pick<KafkaClusterLayout, 'runDir'> & { nodes: Array<Pick<KafkaNodeAddress, 'nodeId'>> },
  log: Logger = defaultLogger,
  graceMs = 20_000,
): Promise<number[]> {
  const processPaths = clusterProcessPaths(layout as KafkaClusterLayout);
  const stopped = await Promise.all(
    layout.nodes.map(async ({ nodeId }) => {
      const name = kafkaNodeProcess(nodeId);
      const pid = findOurProcess(name, processPaths);
      if (pid === undefined) return undefined;
      const begun = Date.now();
      const how = await stopProcessGroup(pid, graceMs);
      removePidFile(name, processPaths);
      log(`stopped Kafka node ${nodeId} (pid ${pid}) in ${seconds(Date.now() - begun)}${how === 'killed' ? ' (had to SIGKILL)' : ''}`);
      return nodeId;
    }),
  );
  return stopped.filter((nodeId): nodeId is number => nodeId !== undefined);
}

export interface KafkaNodeStatus {
  nodeId: number;
  pid: number | null;
  endpoint: string;
  healthy: boolean;
  rssMiB: number | null;
}

export async function kafkaClusterStatus(layout: KafkaClusterLayout): Promise<KafkaNodeStatus[]> {
  const processPaths = clusterProcessPaths(layout);
  return Promise.all(
    layout.nodes.map(async (node) => {
      const pid = findOurProcess(kafkaNodeProcess(node.nodeId), processPaths) ?? null;
      const endpoint = `${layout.host}:${node.brokerPort}`;
      return {
        nodeId: node.nodeId,
        pid,
        endpoint,
        healthy: pid !== null && (await isKafkaHealthy(endpoint)),
        rssMiB: pid !== null ? (rssMiB(pid) ?? null) : null,
      };
    }),
  );
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A cluster a test started: its brokers, and the means to fail one node. */
export interface LocalKafkaCluster {
  readonly layout: KafkaClusterLayout;
  /** host:port of every node's PLAINTEXT listener, as in KAFKA_BROKERS. */
  readonly brokers: string[];
  /** SIGKILL one node (its whole process group), as a machine failure would: no shutdown, no leadership hand-over. */
  killNode(nodeId: number): Promise<void>;
  /** Starts a stopped node again on its data and waits until the cluster has all its nodes. */
  restartNode(nodeId: number): Promise<void>;
  /** Stops every node and deletes the run folder (unless the test gave its own runDir). */
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  /** Default 3. */
  nodes?: number;
  /** Default: a new folder under the system's temporary directory, deleted by stop(). */
  runDir?: string;
  heapOpts?: string;
  log?: Logger;
  timeoutMs?: number;
}

/**
 * Starts a separate cluster on free ports in its own folder, PLAINTEXT only, beside whatever else
 * runs (the shared single broker included): for tests that fail brokers.
 */
export async function startLocalKafkaCluster(options: StartClusterOptions = {}): Promise<LocalKafkaCluster> {
  const host = '127.0.0.1';
  const count = options.nodes ?? 3;
  const ownDir = options.runDir === undefined;
  const runDir = options.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'consign-kafka-cluster-'));
  const nodes: KafkaNodeAddress[] = [];
  for (let nodeId = 1; nodeId <= count; nodeId += 1)
    nodes.push({ nodeId, brokerPort: await freePort(host), controllerPort: await freePort(host) });
  const layout: KafkaClusterLayout = { host, runDir, nodes };
  const log = options.log ?? defaultLogger;
  const ensureOptions: EnsureClusterOptions = {
    log,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.heapOpts === undefined ? {} : { heapOpts: options.heapOpts }),
  };
  try {
    await ensureKafkaCluster(layout, ensureOptions);
  } catch (err) {
    await stopKafkaCluster(layout, log, 5000);
    if (ownDir) fs.rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
  const processPaths = clusterProcessPaths(layout);
  return {
    layout,
    brokers: clusterBrokers(layout),
    async killNode(nodeId) {
      const name = kafkaNodeProcess(nodeId);
      const pid = findOurProcess(name, processPaths);
      if (pid === undefined) throw new InfraError(`Kafka node ${nodeId} is not running`);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
      while (isAlive(pid)) await sleep(50);
      removePidFile(name, processPaths);
      log(`killed Kafka node ${nodeId} (pid ${pid})`);
    },
    async restartNode(nodeId) {
      const node = nodes.find((candidate) => candidate.nodeId === nodeId);
      if (!node) throw new InfraError(`no Kafka node ${nodeId}`);
      await ensureKafkaCluster(layout, ensureOptions);
    },
    async stop() {
      await stopKafkaCluster(layout, log);
      if (ownDir) fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
