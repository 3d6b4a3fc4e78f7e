import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { deadLetterHeaders } from '@consign/kafka';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints } from '@consign/test-support';
import { runCli } from '../src/cli';

describe('ops command line', () => {
  let database: TemporaryDatabase;
  const kafka = new Kafka({ clientId: 'ops-cli-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
  const group = `ops-cli-test-${randomBytes(4).toString('hex')}`;
  const deadLetters = `deadletter.${group}.v1`;

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_ops_cli_test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: deadLetters, numPartitions: 3, replicationFactor: -1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: deadLetters, messages: [{ partition: 0, key: 'k', value: 'poison', headers: { [deadLetterHeaders.topic]: 'shopify.orders.v1', [deadLetterHeaders.partition]: '0', [deadLetterHeaders.offset]: '5', [deadLetterHeaders.category]: 'poison', [deadLetterHeaders.code]: 'contracts.not_wire_format', [deadLetterHeaders.message]: 'not wire format', [deadLetterHeaders.attempts]: '1', [deadLetterHeaders.group]: group } }] });
    await producer.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [deadLetters] }).catch(() => undefined);
    await admin.disconnect();
    await database?.drop();
  });

  async function ops(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const env = { ...process.env, OPERATIONS_DATABASE_URL: database.url, OPERATOR: 'tester' };
    const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text), env });
    return { code, out, err };
  }

  it('explains itself with --help at every level', async () => {
    const overview = await ops('--help');
    expect(overview.code).toBe(0);
    expect(overview.out).toMatch(/Usage: npm run ops -- <command>/);
    for (const command of ['status', 'offsets reset', 'deadletters list', 'deadletters show', 'deadletters redrive', 'deadletters purge', 'webhooks replay', 'webhooks send-test', 'events process', 'events publish', 'audit']) {
      expect(overview.out).toContain(`  ${command}`);
      const help = await ops(...command.split(' '), '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Usage: npm run ops -- ${command}`);
      expect(help.out).toContain('--json');
    }
    expect((await ops('deadletters', '--help')).out).toContain('deadletters purge --group <g>');
  });

  it('exits 2 with a readable message on a bad command line', async () => {
    expect(await ops('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(await ops('audit', '--bogus')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--bogus'") });
    expect(await ops('offsets', 'reset', '--group', 'g', '--topic', 't')).toMatchObject({ code: 2, err: expect.stringContaining('exactly one of --to-earliest') });
    expect(await ops('offsets', 'reset', '--group', 'g', '--topic', 't', '--to-earliest')).toMatchObject({ code: 2, err: expect.stringContaining('add --yes') });
    expect(await ops('webhooks', 'replay', '--from', 'yesterday', '--to', '2025-01-01T00:00:00Z')).toMatchObject({ code: 2, err: expect.stringContaining('--from must be an ISO 8601 time') });
    expect(await ops('webhooks', 'send-test')).toMatchObject({ code: 2, err: expect.stringContaining('give exactly one file') });
    expect(await ops('webhooks', 'send-test', 'no/such/file.json')).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
  });

  it('lists dead letters for people and as JSON', async () => {
    const human = await ops('deadletters', 'list', '--group', group);
    expect(human.code).toBe(0);
    expect(human.out).toContain(`${deadLetters}:0:0`);
    expect(human.out).toContain('contracts.not_wire_format');
    expect(human.err).toMatch(/reading dead letters: 1\/1/);
    const machine = await ops('deadletters', 'list', '--group', group, '--json');
    expect(machine.err).toBe('');
    expect(JSON.parse(machine.out)).toMatchObject({ matched: 1, deadLetters: [{ id: `${deadLetters}:0:0`, category: 'poison', original: { topic: 'shopify.orders.v1', partition: 0, offset: '5' } }] });
  });

  it('fails with exit 1 and a readable message, also as JSON', async () => {
    const failed = await ops('deadletters', 'list', '--group', 'no-such-group-x', '--json');
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('group no-such-group-x has no dead-letter topic');
    expect(JSON.parse(failed.out)).toEqual({ error: { message: expect.stringContaining('no dead-letter topic'), code: 'operations.no_dead_letter_topic' } });
  });

  it('purges only with --yes, and every action is in the audit log under the operator', async () => {
    const unconfirmed = await ops('deadletters', 'purge', '--group', group, '--as', 'alice');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.out).toContain('Would purge 1 record(s)');
    const audit = JSON.parse((await ops('audit', '--json', '--action', 'deadletters.')).out) as { actions: Array<{ actor: string; action: string; outcome: string }> };
    expect(audit.actions.map(({ actor, action, outcome }) => ({ actor, action, outcome }))).toEqual([{ actor: 'alice', action: 'deadletters.purge', outcome: 'dry_run' }]);
    expect((await ops('audit')).out).toContain('deadletters.purge');
  });
});
