/**
 * The same infrastructure as infra/local, in throwaway containers, for machines
 * with a Docker engine (e.g. CI runners that have one):
 *
 *   if (await isDockerAvailable()) { const infra = await startDockerInfra(); ...; await infra.stop(); }
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Client } from 'pg';
import { GenericContainer, getContainerRuntimeClient, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';

import { databaseNames, REGISTRY_DATABASE } from '@consign/infra-local';

export interface DockerInfra {
  kafkaBrokers: string;
  /** Confluent-compatible API base, like SCHEMA_REGISTRY_URL. */
  schemaRegistryUrl: string;
  /** Admin URL (database `postgres`); the service databases exist already. */
  postgresUrl: string;
  stop(): Promise<void>;
}

const POSTGRES_IMAGE = 'postgres:15';
const KAFKA_IMAGE = 'apache/kafka:4.1.1';
const REGISTRY_IMAGE = 'apicurio/apicurio-registry:3.3.3';

/** A port the OS considers free right now (Kafka must advertise its host port before it starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function createDatabases(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of databaseNames()) {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      // Names are validated identifiers (databases.ts); CREATE DATABASE takes no parameters.
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
}

export async function startDockerInfra(): Promise<DockerInfra> {
  const runtime = await getContainerRuntimeClient();
  const host = runtime.info.containerRuntime.host;
  const network: StartedNetwork = await new Network().start();
  const containers: StartedTestContainer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(containers.reverse().map((c) => c.stop({ timeout: 10_000 })));
    await network.stop().catch(() => undefined);
  };

  try {
    const postgres = await new GenericContainer(POSTGRES_IMAGE)
      .withNetwork(network)
      .withNetworkAliases('postgres')
      .withEnvironment({ POSTGRES_USER: 'postgres', POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      // The image restarts the server once after initdb: the second message is the real one.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    containers.push(postgres);
    const postgresUrl = `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`;
    await createDatabases(postgresUrl);

    const kafkaPort = await freePort();
    const kafkaPromise = new GenericContainer(KAFKA_IMAGE)
      .withNetwork(network)
      .withNetworkAliases('kafka')
      .withExposedPorts({ container: 9092, host: kafkaPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,INTERNAL://:29092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort},INTERNAL://kafka:29092`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
        KAFKA_NUM_PARTITIONS: '3',
        KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
        KAFKA_MIN_INSYNC_REPLICAS: '1',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000)
      .start();

    const registryPromise = new GenericContainer(REGISTRY_IMAGE)
      .withNetwork(network)
      .withEnvironment({
        APICURIO_STORAGE_KIND: 'sql',
        APICURIO_STORAGE_SQL_KIND: 'postgresql',
        APICURIO_DATASOURCE_URL: `jdbc:postgresql://postgres:5432/${REGISTRY_DATABASE}`,
        APICURIO_DATASOURCE_USERNAME: 'postgres',
        APICURIO_DATASOURCE_PASSWORD: '',
        APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '2',
        APICURIO_DATASOURCE_JDBC_MIN_SIZE: '2',
        JAVA_OPTS_APPEND: '-Xms128m -Xmx384m',
      })
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080).forStatusCode(200))
      .withStartupTimeout(180_000)
      .start();

    // Both are started before either is awaited, so a failure of one must not leave the other behind.
    const [kafka, registry] = await Promise.allSettled([kafkaPromise, registryPromise]);
    if (kafka.status === 'fulfilled') containers.push(kafka.value);
    if (registry.status === 'fulfilled') containers.push(registry.value);
    if (kafka.status === 'rejected') throw kafka.reason;
    if (registry.status === 'rejected') throw registry.reason;

    return {
      kafkaBrokers: `${host}:${kafkaPort}`,
      schemaRegistryUrl: `http://${registry.value.getHost()}:${registry.value.getMappedPort(8080)}/apis/ccompat/v7`,
      postgresUrl,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function pingSocket(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * True when a container engine answers. Unix sockets are pinged directly (a
 * docker CLI without an engine answers false in milliseconds); other setups
 * (tcp/ssh DOCKER_HOST, ~/.testcontainers.properties, docker contexts) are left
 * to testcontainers' own discovery, bounded by timeoutMs.
 */
export async function isDockerAvailable(timeoutMs = 2000): Promise<boolean> {
  const dockerHost = process.env['DOCKER_HOST'];
  if (dockerHost?.startsWith('unix://')) return pingSocket(dockerHost.slice('unix://'.length), timeoutMs);

  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  const sockets = [
    '/var/run/docker.sock',
    path.join(os.homedir(), '.docker', 'run', 'docker.sock'),
    path.join(os.homedir(), '.docker', 'desktop', 'docker.sock'),
    ...(runtimeDir ? [path.join(runtimeDir, 'docker.sock'), path.join(runtimeDir, 'podman', 'podman.sock')] : []),
  ].filter((s) => fs.existsSync(s));
  for (const socket of sockets) {
    if (await pingSocket(socket, timeoutMs)) return true;
  }

  const otherConfig =
    !!dockerHost ||
    fs.existsSync(path.join(os.homedir(), '.testcontainers.properties')) ||
    fs.existsSync(path.join(os.homedir(), '.docker', 'contexts'));
  if (!otherConfig) return false;

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      getContainerRuntimeClient().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
