import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { runCli } from '../src/cli';

describe('ops tenants', () => {
  let database: TemporaryDatabase;
  const kafka = new Kafka({ clientId: 'ops-cli-tenants-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
  const topic = `tenants-cli-test-${randomBytes(4).toString('hex')}.v1`;
  const id = `shop-${randomBytes(4).toString('hex')}`;
  const files = mkdtempSync(join(tmpdir(), 'ops-tenants-'));
  const tenantFile = join(files, 'tenant.json');
  const secretFile = join(files, 'secret.txt');

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_ops_cli_tenants_test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    await admin.disconnect();
    writeFileSync(
      tenantFile,
      JSON.stringify({
        id,
        shopDomain: `${id}.myshopify.com`,
        shopifyWebhookSecrets: ['shpss_first_of_cli'],
        clerkInstanceIds: [`ins_${id}`],
        currency: 'CAD',
      }),
    );
    writeFileSync(secretFile, 'shpss_second_of_cli\n');
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await database?.drop();
  });

  async function ops(argv: string[], ask?: (question: string) => Promise<boolean>): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const env = { ...process.env, NODE_ENV: 'development', OPERATIONS_DATABASE_URL: database.url, OPERATOR: 'tester' };
    const code = await runCli([...argv, '--tenants-topic', topic], {
      out: (text) => (out += text),
      err: (text) => (err += text),
      env,
      ask,
    });
    return { code, out, err };
  }

  it('lists its commands with their help', async () => {
    for (const command of ['tenants list', 'tenants add', 'tenants rotate-secret', 'tenants remove']) {
      const help = await runCli([...command.split(' '), '--help'], { out: () => undefined, err: () => undefined, env: process.env });
      expect(help).toBe(0);
    }
    let overview = '';
    await runCli(['tenants', '--help'], { out: (text) => (overview += text), err: () => undefined, env: process.env });
    expect(overview).toContain('tenants rotate-secret <tenant id> --kind shopify|clerk');
  });

  it('adds, lists, rotates, retires and removes a store, never printing a secret, asking before what cannot be undone', async () => {
    const added = await ops(['tenants', 'add', '--file', tenantFile, '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.out)).toMatchObject({
      tenant: {
        id,
        shopDomain: `${id}.myshopify.com`,
        currency: 'CAD',
        shopifySecretFingerprints: [expect.stringMatching(/^[0-9a-f]{12}$/)],
      },
    });
    expect((await ops(['tenants', 'add', '--file', tenantFile, '--json'])).code).toBe(1);

    const listed = await ops(['tenants', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${id}.myshopify.com`);
    expect(listed.out).toContain('1 tenant(s) in the tenant store');
    expect(listed.out + added.out).not.toContain('shpss_first_of_cli');

    expect(await ops(['tenants', 'rotate-secret', id, '--kind', 'shopify'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('give --secret-file <file> (a new secret) or --retire-previous'),
    });
    const rotated = await ops(['tenants', 'rotate-secret', id, '--kind', 'shopify', '--secret-file', secretFile, '--json']);
    expect(rotated.code).toBe(0);
    const fingerprints = (JSON.parse(rotated.out) as { tenant: { shopifySecretFingerprints: string[] } }).tenant.shopifySecretFingerprints;
    expect(fingerprints).toHaveLength(2);
    expect(rotated.out).not.toContain('shpss_second_of_cli');

    expect(await ops(['tenants', 'rotate-secret', id, '--kind', 'shopify', '--retire-previous'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('add --yes'),
    });
    const questions: string[] = [];
    const declined = await ops(
      ['tenants', 'rotate-secret', id, '--kind', 'shopify', '--retire-previous', '--json'],
      async (question) => (questions.push(question), false),
    );
    expect(declined.code).toBe(1);
    expect(JSON.parse(declined.out)).toEqual({ error: { message: 'refused: not confirmed by the operator', code: 'operations.refused' } });
    expect(questions).toEqual([expect.stringContaining(`Retire 1 previous shopify secret(s) of ${id} (${fingerprints[1]})`)]);
    const retired = await ops(['tenants', 'rotate-secret', id, '--kind', 'shopify', '--retire-previous', '--yes', '--json']);
    expect(JSON.parse(retired.out)).toMatchObject({ tenant: { shopifySecretFingerprints: [fingerprints[0]] }, retired: [fingerprints[1]] });

    expect(await ops(['tenants', 'remove', id])).toMatchObject({ code: 2, err: expect.stringContaining('add --yes') });
    expect((await ops(['tenants', 'remove', id], async () => false)).code).toBe(1);
    const removed = await ops(['tenants', 'remove', id, '--json'], async () => true);
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.out)).toMatchObject({ removed: { id } });
    expect(JSON.parse((await ops(['tenants', 'list', '--json'])).out)).toEqual({ tenants: [] });
    expect(await ops(['tenants', 'remove', id, '--yes', '--json'])).toMatchObject({
      code: 1,
      out: expect.stringContaining('tenant.not_in_store'),
    });

    let audit = '';
    await runCli(['audit', '--json', '--action', 'tenants.'], {
      out: (text) => (audit += text),
      err: () => undefined,
      env: { ...process.env, OPERATIONS_DATABASE_URL: database.url },
    });
    const actions = (JSON.parse(audit) as { actions: Array<{ actor: string; action: string; outcome: string }> }).actions
      .map(({ actor, action, outcome }) => `${actor} ${action} ${outcome}`)
      .reverse();
    expect(actions).toEqual([
      'tester tenants.add succeeded',
      'tester tenants.add failed',
      'tester tenants.list succeeded',
      'tester tenants.rotate-secret succeeded',
      'tester tenants.rotate-secret refused',
      'tester tenants.rotate-secret succeeded',
      'tester tenants.remove refused',
      'tester tenants.remove succeeded',
      'tester tenants.list succeeded',
      'tester tenants.remove failed',
    ]);
    expect(audit).not.toMatch(/shpss_first_of_cli|shpss_second_of_cli/);
  }, 120_000);
});
