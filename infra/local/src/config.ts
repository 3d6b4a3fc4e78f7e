import * as path from 'node:path';

export const KAFKA_VERSION = '4.1.1';
export const APICURIO_VERSION = '3.3.3';
/** Kafka 4.x brokers need Java 17. */
export const KAFKA_MIN_JAVA = 17;
/** Apicurio Registry 3.3.x is compiled for Java 21 (class file version 65). */
export const REGISTRY_MIN_JAVA = 21;
/** Pinned so that runs without a project (dependency:copy) resolve the same plugin. */
export const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export type PartName = 'postgres' | 'kafka' | 'registry' | 'mail' | 'monitoring';
/** What `up` starts when no part is named. */
export const ALL_PARTS: readonly PartName[] = ['postgres', 'kafka', 'registry', 'mail'];
/** Started only when named: Prometheus and Alertmanager scrape the apps `npm start` runs, which tests do not need. */
export const OPTIONAL_PARTS: readonly PartName[] = ['monitoring'];
/** Parts that run as our own child processes (PostgreSQL is the machine's). */
export type ManagedPart = Exclude<PartName, 'postgres'>;
export const MANAGED_PARTS: readonly ManagedPart[] = ['kafka', 'registry', 'mail', 'monitoring'];
/** A process we start and track by pid file and marker: a part, or one node of a local Kafka cluster. */
export type ProcessName = ManagedPart | `kafka-node-${number}`;

export function kafkaNodeProcess(nodeId: number): ProcessName {
  return `kafka-node-${nodeId}`;
}

export function isPartName(value: string): value is PartName {
  return (ALL_PARTS as readonly string[]).includes(value) || (OPTIONAL_PARTS as readonly string[]).includes(value);
}

export interface Paths {
  /** infra/local */
  home: string;
  cache: string;
  run: string;
  logs: string;
  kafkaPom: string;
  kafkaLog4j: string;
  kafkaLibs: string;
  kafkaMarker: string;
  kafkaRunDir: string;
  kafkaData: string;
  /** The SASL_SSL listener's CA (ca.pem, what clients trust) and the broker's PEM keystore. */
  kafkaTlsDir: string;
  kafkaProps: string;
  kafkaClusterId: string;
  kafkaFormatInfo: string;
  /** The nodes of the cluster mode (KAFKA_BROKER_COUNT > 1): node-<id>/ each, pid files and logs beside them. */
  kafkaClusterDir: string;
  registryHome: string;
  registryMarker: string;
  /** The development mail sink's entry point, run with tsx. */
  mailSinkMain: string;
  /** Prometheus' and Alertmanager's rendered configs, the metrics key file and their data. */
  monitoringRunDir: string;
  lockFile: string;
  pidFile(name: ProcessName): string;
  logFile(name: ProcessName): string;
}

export function resolvePaths(home: string = path.resolve(__dirname, '..')): Paths {
  const cache = path.join(home, '.cache');
  const run = path.join(home, '.run');
  const logs = path.join(run, 'logs');
  const kafkaRunDir = path.join(run, 'kafka');
  const registryHome = path.join(cache, 'apicurio-registry', APICURIO_VERSION);
  return {
    home,
    cache,
    run,
    logs,
    kafkaPom: path.join(home, 'kafka', 'pom.xml'),
    kafkaLog4j: path.join(home, 'kafka', 'log4j2.xml'),
    kafkaLibs: path.join(cache, 'kafka', 'libs'),
    kafkaMarker: path.join(cache, 'kafka', `.fetched-${KAFKA_VERSION}`),
    kafkaRunDir,
    kafkaData: path.join(kafkaRunDir, 'data'),
    kafkaProps: path.join(kafkaRunDir, 'server.properties'),
    kafkaClusterId: path.join(kafkaRunDir, 'cluster.id'),
    kafkaFormatInfo: path.join(kafkaRunDir, 'formatted.json'),
    kafkaTlsDir: path.join(kafkaRunDir, 'tls'),
    kafkaClusterDir: path.join(run, 'kafka-cluster'),
    registryHome,
    registryMarker: path.join(registryHome, '.fetched'),
    mailSinkMain: path.join(home, 'src', 'mail-sink', 'main.ts'),
    monitoringRunDir: path.join(run, 'monitoring'),
    lockFile: path.join(run, 'up.lock'),
    pidFile: (name) => path.join(run, `${name}.pid`),
    logFile: (name) => path.join(logs, `${name}.log`),
  };
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name}=${raw} is not a valid port number`);
  }
  return value;
}

/** One node of the local Kafka cluster: a combined broker and controller. */
export interface KafkaNodeAddress {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  /** The TLS-and-SCRAM listener; absent for nodes that only speak PLAINTEXT (test clusters). */
  saslSslPort?: number;
}

/** How far apart the nodes' ports are in the cluster mode: node 2 on 9102/9103/9104, node 3 on 9112/9113/9114. */
export const KAFKA_NODE_PORT_STEP = 10;

export interface Settings {
  host: string;
  /** 1: the single broker (the default). More: that many combined broker+controller nodes. */
  kafkaBrokerCount: number;
  /** The cluster mode's nodes (one entry, the single broker's ports, when kafkaBrokerCount is 1). */
  kafkaNodes: KafkaNodeAddress[];
  kafkaPort: number;
  kafkaControllerPort: number;
  /** A second listener with TLS and SCRAM sign-in, as managed Kafka offers: for the tests that prove the apps speak it. */
  kafkaSaslSslPort: number;
  registryPort: number;
  registryManagementPort: number;
  /** Brokers that clients should use; local unless KAFKA_BROKERS points elsewhere. */
  kafkaBrokers: string;
  kafkaExternal: boolean;
  /** Confluent-compatible API base, what @kafkajs/confluent-schema-registry calls `host`. */
  schemaRegistryUrl: string;
  registryExternal: boolean;
  mailSmtpPort: number;
  mailHttpPort: number;
  /** Where apps send mail, as in SMTP_URL: the local mail sink unless SMTP_URL points elsewhere. */
  smtpUrl: string;
  /** The mail sink's HTTP API, as in MAIL_SINK_URL; null for an external SMTP server without one. */
  mailSinkUrl: string | null;
  mailExternal: boolean;
  /** Prometheus and Alertmanager of the `monitoring` part (Alertmanager's usual 9093 is the Kafka controller's). */
  prometheusPort: number;
  alertmanagerPort: number;
  startTimeoutMs: number;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isLocalBrokers(value: string, ports: number[]): boolean {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0)
    .every((b) => {
      const idx = b.lastIndexOf(':');
      return idx > 0 && LOCAL_HOSTS.has(b.slice(0, idx)) && ports.includes(Number(b.slice(idx + 1)));
    });
}

/** KAFKA_BROKER_COUNT: how many local Kafka nodes `up` starts (1 to 5). */
function brokerCountFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env['KAFKA_BROKER_COUNT'];
  if (raw === undefined || raw.trim() === '') return 1;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 5)
    throw new Error(`KAFKA_BROKER_COUNT=${raw} is not a number of brokers from 1 to 5`);
  return value;
}

function isLocalUrl(value: string, port: number, defaultPort = 80): boolean {
  try {
    const url = new URL(value);
    return LOCAL_HOSTS.has(url.hostname) && Number(url.port || defaultPort) === port;
  } catch {
    return false;
  }
}

export function resolveSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const host = '127.0.0.1';
  const kafkaPort = intFromEnv(env, 'KAFKA_PORT', 9092);
  const kafkaControllerPort = intFromEnv(env, 'KAFKA_CONTROLLER_PORT', 9093);
  const kafkaSaslSslPort = intFromEnv(env, 'KAFKA_SASL_SSL_PORT', 9094);
  const registryPort = intFromEnv(env, 'REGISTRY_PORT', 8080);
  // Quarkus' management interface defaults to 9000, which is a popular port (and
  // would sit next to Kafka's 9092/9093); pin it.
  const registryManagementPort = intFromEnv(env, 'REGISTRY_MANAGEMENT_PORT', 9001);
  const kafkaBrokerCount = brokerCountFromEnv(env);
  const kafkaNodes: KafkaNodeAddress[] = Array.from({ length: kafkaBrokerCount }, (_, index) => ({
    nodeId: index + 1,
    brokerPort: kafkaPort + index * KAFKA_NODE_PORT_STEP,
    controllerPort: kafkaControllerPort + index * KAFKA_NODE_PORT_STEP,
    saslSslPort: kafkaSaslSslPort + index * KAFKA_NODE_PORT_STEP,
  }));
  const localBrokers = kafkaNodes.map((node) => `${host}:${node.brokerPort}`).join(',');
  const localRegistry = `http://${host}:${registryPort}/apis/ccompat/v7`;

  const brokersEnv = env['KAFKA_BROKERS']?.trim();
  const kafkaExternal =
    !!brokersEnv &&
    !isLocalBrokers(
      brokersEnv,
      kafkaNodes.map((node) => node.brokerPort),
    );
  const registryEnv = env['SCHEMA_REGISTRY_URL']?.trim().replace(/\/+$/, '');
  const registryExternal = !!registryEnv && !isLocalUrl(registryEnv, registryPort);

  const mailSmtpPort = intFromEnv(env, 'MAIL_SINK_SMTP_PORT', 1025);
  const mailHttpPort = intFromEnv(env, 'MAIL_SINK_HTTP_PORT', 8025);
  const smtpEnv = env['SMTP_URL']?.trim();
  const mailSinkEnv = env['MAIL_SINK_URL']?.trim().replace(/\/+$/, '');
  // Either one pointing elsewhere means someone else runs the mail side; we start nothing.
  const mailExternal = (!!smtpEnv && !isLocalUrl(smtpEnv, mailSmtpPort, 25)) || (!!mailSinkEnv && !isLocalUrl(mailSinkEnv, mailHttpPort));

  const timeoutRaw = env['INFRA_START_TIMEOUT_MS'];
  const startTimeoutMs = timeoutRaw && Number(timeoutRaw) > 0 ? Number(timeoutRaw) : 180_000;

  return {
    host,
    kafkaBrokerCount,
    kafkaNodes,
    kafkaPort,
    kafkaControllerPort,
    kafkaSaslSslPort,
    registryPort,
    registryManagementPort,
    kafkaBrokers: kafkaExternal && brokersEnv ? brokersEnv : localBrokers,
    kafkaExternal,
    schemaRegistryUrl: registryExternal && registryEnv ? registryEnv : localRegistry,
    registryExternal,
    mailSmtpPort,
    mailHttpPort,
    smtpUrl: mailExternal && smtpEnv ? smtpEnv : `smtp://${host}:${mailSmtpPort}`,
    mailSinkUrl: mailExternal ? (mailSinkEnv ?? null) : `http://${host}:${mailHttpPort}`,
    mailExternal,
    prometheusPort: intFromEnv(env, 'PROMETHEUS_PORT', 9090),
    alertmanagerPort: intFromEnv(env, 'ALERTMANAGER_PORT', 9095),
    startTimeoutMs,
  };
}

/** The user the local SASL_SSL listener signs in (SCRAM-SHA-256 and -512): a local-only credential, like the development tenant. */
export const localKafkaScramUser = { username: 'consign-local', password: 'consign-local-scram-secret' } as const;
