import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import {
  createTemporaryDatabase,
  freePort,
  runToCompletion,
  ServiceProcess,
  startServiceProcess,
  TemporaryDatabase,
  testEndpoints,
  waitFor,
} from '@consign/test-support';

/**
 * Provisioning as the deploy step: a service that may not create topics or register schemas (the
 * production default) waits, not ready and saying what is missing, until `npm run provision` has
 * made it; and a topic setting an operator changed stays changed, reported as drift.
 */
const root = join(__dirname, '../../..');
const serviceMain = join(root, 'dist/apps/inventory-service/main.js');
const endpoints = testEndpoints();
const kafka = new Kafka({ clientId: 'provisioning-e2e', brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING });
const group = `inventory-provision-${randomUUID().slice(0, 8)}`;
const deadLetters = `deadletter.${group}.v1`;
const retries = `retry.${group}.v1`;
let database: TemporaryDatabase;
let service: ServiceProcess | undefined;
let url: string;
let env: Record<string, string>;

interface ProvisionJson {
  createdTopics: string[];
  drift: Array<{ topic: string; setting: string; catalogue: string; actual: string }>;
  consumerGroups: string[];
}

function provision(...args: string[]): Promise<ProvisionJson> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'tools/provision.ts'), ...args, '--json'],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
          SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => (error ? reject(new Error(`provision failed: ${stderr}`)) : resolve(JSON.parse(stdout) as ProvisionJson)),
    );
  });
}

async function readiness(): Promise<{ status: number; body: string }> {
  const answer = await fetch(`${url}/readyz`);
  return { status: answer.status, body: await answer.text() };
}

async function retention(topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    });
    return described.resources[0].configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue;
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  database = await createTemporaryDatabase(endpoints.postgresServerUrl, 'consign_inventory_provision');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    INVENTORY_PORT: String(port),
    INVENTORY_DATABASE_URL: database.url,
    INVENTORY_CONSUMER_GROUP: group,
    KAFKA_CREATE_TOPICS: 'false',
    SCHEMA_REGISTRY_REGISTER_SCHEMAS: 'false',
  };
  await runToCompletion(serviceMain, ['migrate'], env);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: [deadLetters, retries].filter((topic) => existing.has(topic)) });
  await admin.disconnect();
  await database?.drop();
});

describe('provisioning as the deploy step', () => {
  it('keeps a service that may not create topics unready, naming them, until npm run provision has made them', async () => {
    service = startServiceProcess(serviceMain, [], env);
    const waiting = await waitFor(
      'inventory-service to say which topics are missing',
      async () => {
        const answer = await readiness();
        return answer.status === 503 && answer.body.includes(deadLetters) ? answer : undefined;
      },
      60_000,
      250,
    );
    expect(waiting.body).toContain('npm run provision');
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(deadLetters);
    await admin.disconnect();

    const report = await provision('--group', group);
    expect(report.consumerGroups).toContain(group);
    expect(report.createdTopics).toEqual(expect.arrayContaining([deadLetters, retries]));
    await waitFor(
      'inventory-service to be ready once provisioned',
      async () => ((await readiness()).status === 200 ? true : undefined),
      90_000,
      500,
    );
  }, 240_000);

  it('reports a retention an operator changed, at start and in npm run provision, and keeps it until told to align it', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: retries, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
    });
    await admin.disconnect();

    await service?.stop();
    service = startServiceProcess(serviceMain, [], env);
    await waitFor('inventory-service to be ready again', async () => ((await readiness()).status === 200 ? true : undefined), 90_000, 500);
    expect(service.output()).toContain('topics differ from the catalogue');
    expect(await retention(retries)).toBe('86400000');

    const report = await provision('--group', group);
    expect(report.drift).toContainEqual(expect.objectContaining({ topic: retries, setting: 'retention.ms', actual: '86400000' }));
    expect(await retention(retries)).toBe('86400000');

    const aligned = await provision('--group', group, '--align-settings', '--yes');
    expect(aligned.drift.some((entry) => entry.topic === retries)).toBe(true);
    expect(await retention(retries)).not.toBe('86400000');
    expect((await provision('--group', group)).drift.filter((entry) => entry.topic === retries)).toEqual([]);
  }, 240_000);
});
