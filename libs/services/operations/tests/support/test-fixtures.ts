import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { Admin, IHeaders, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { openOperationsDatabase } from '@consign/operations';
import { reconciliationMigrations } from '@consign/reconciliation';

/** Test-only helpers: random topics on the real Kafka, a fresh operations database, stand-in HTTP services. */
export function randomName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'operations-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
}

export async function createTopics(admin: Admin, names: string[], partitions = 3): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
  });
  // Loads the new topics' leaders into this admin's metadata (deleteTopicRecords relies on it).
  await admin.fetchTopicMetadata({ topics: names });
}

/**
 * A whole minute an hour ago: seeded record times must stay within the broker's retention (7 days
 * by record timestamp), or its next retention check deletes them and moves the log start mid-test.
 */
export function recentRecordTime(): number {
  return Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
}

export interface SeedRecord {
  partition: number;
  key?: string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
  timestamp?: number;
}

/** Produces records in order; returns their offsets. */
export async function produce(kafka: Kafka, topic: string, records: SeedRecord[]): Promise<string[]> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const offsets: string[] = [];
    for (const record of records) {
      const [sent] = await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            partition: record.partition,
            key: record.key ?? null,
            value: record.value,
            headers: record.headers,
            timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
          },
        ],
      });
      offsets.push(sent.baseOffset ?? '-1');
    }
    return offsets;
  } finally {
    await producer.disconnect();
  }
}

export async function operationsTestDatabase(): Promise<{ database: TemporaryDatabase; dataSource: DataSource }> {
  const database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_ops_test');
  return {
    database,
    dataSource: await openOperationsDatabase({ url: database.url, tls: { mode: 'disable' } }, reconciliationMigrations, 'operations-test'),
  };
}

export interface StandInRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A stand-in for a platform service's admin API: answers by `METHOD /path`, records every request. */
export async function startStandIn(
  routes: Record<string, (request: StandInRequest) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>>,
): Promise<{ url: string; requests: StandInRequest[]; close: () => Promise<void> }> {
  const requests: StandInRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const request = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as unknown) : undefined,
      };
      requests.push(request);
      const route = routes[`${request.method} ${request.path}`] ?? routes[`${request.method} ${request.path.split('?')[0]}`];
      void Promise.resolve(
        route ? route(request) : { status: 404, body: { code: 'not_found', detail: `no route ${request.method} ${request.path}` } },
      ).then(({ status, body }) => {
        res.writeHead(status ?? 200, { 'content-type': (status ?? 200) >= 400 ? 'application/problem+json' : 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
