import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@consign/config';
import { events, RawWebhookArchived } from '@consign/contracts';
import { deadLetterHeaders, EventCodec } from '@consign/kafka';
import { tenantsSetting } from '@consign/tenants';
import {
  createTemporaryDatabase,
  startTestServer,
  TemporaryDatabase,
  testEndpoints,
  testEventMetadata,
  TestServer,
} from '@consign/test-support';
import { runCli } from '../src/cli';

describe('ops command line', () => {
  let database: TemporaryDatabase;
  let services: TestServer;
  const brokers = testEndpoints().kafkaBrokers.join(',');
  const kafka = new Kafka({ clientId: 'ops-cli-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
  const group = `ops-cli-test-${randomBytes(4).toString('hex')}`;
  const deadLetters = `deadletter.${group}.v1`;
  const archive = `ops-cli-archive-${randomBytes(4).toString('hex')}`;
  const reader = `${group}-reader`;
  const archived = ['wh-1', 'wh-2'];
  const replayed: unknown[] = [];
  const processRequests: unknown[] = [];
  const historyQueries: Array<Record<string, unknown>> = [];

  function archivedWebhook(deliveryId: string): RawWebhookArchived {
    const receivedAt = Date.now() - 60_000;
    return {
      metadata: testEventMetadata('webhook.raw.archived', { eventId: deliveryId, occurredAt: receivedAt, receivedAt }),
      source: 'shopify',
      deliveryId,
      topic: 'orders/create',
      headers: { 'x-shopify-topic': 'orders/create' },
      body: Buffer.from(JSON.stringify({ id: deliveryId })),
      bodySealedFor: null,
    };
  }

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_ops_cli_test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: deadLetters, numPartitions: 3, replicationFactor: -1 },
        { topic: archive, numPartitions: 1, replicationFactor: -1 },
      ],
    });
    const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    await codec.register([events.rawWebhookArchived]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: deadLetters,
      messages: [
        {
          partition: 0,
          key: 'k',
          value: 'poison',
          headers: {
            [deadLetterHeaders.topic]: 'shopify.orders.v1',
            [deadLetterHeaders.partition]: '0',
            [deadLetterHeaders.offset]: '5',
            [deadLetterHeaders.category]: 'poison',
            [deadLetterHeaders.code]: 'contracts.not_wire_format',
            [deadLetterHeaders.message]: 'not wire format',
            [deadLetterHeaders.attempts]: '1',
            [deadLetterHeaders.group]: group,
          },
        },
      ],
    });
    for (const deliveryId of archived)
      await producer.send({
        topic: archive,
        messages: [{ key: deliveryId, value: await codec.encode(events.rawWebhookArchived, archivedWebhook(deliveryId)) }],
      });
    await producer.disconnect();
    // A group that read the dead letter of partition 0 and nothing else: what the offset plans start from.
    await admin.setOffsets({
      groupId: reader,
      topic: deadLetters,
      partitions: [0, 1, 2].map((partition) => ({ partition, offset: partition === 0 ? '1' : '0' })),
    });
    await admin.disconnect();
    // The gateway's replay and a service that does not know the record's tenant, answering as the platform does.
    const routes = Router();
    routes.post('/admin/webhooks/replay', express.json(), (req, res) => {
      const positions = (req.body as { archived: Array<{ partition: number; offset: string }> }).archived;
      replayed.push(...positions);
      res.json({
        results: positions.map((archivedAt) => ({
          archivedAt,
          deliveryId: archived[Number(archivedAt.offset)],
          status: 'published',
          eventIds: [],
          publishedTo: [],
        })),
      });
    });
    routes.get('/admin/delivery-history', (req, res) => {
      historyQueries.push({ ...req.query });
      res.json({
        deliveries: [
          {
            id: '2',
            requestId: 'r2',
            receivedAt: '2026-12-07T05:00:01.000Z',
            source: 'shopify',
            tenantId: 'dev-store',
            topic: 'orders/create',
            deliveryId: 'wh-forged',
            deliveryKey: null,
            subjectId: null,
            eventId: null,
            outcome: 'rejected',
            reason: 'shopify.signature_invalid',
            detail: 'X-Shopify-Hmac-Sha256 is missing or does not match the body',
            httpStatus: 401,
            sourceAddress: '203.0.113.9',
            headers: {},
            publishedTo: null,
          },
          {
            id: '1',
            requestId: 'r1',
            receivedAt: '2026-12-07T05:00:00.000Z',
            source: 'shopify',
            tenantId: 'dev-store',
            topic: 'orders/create',
            deliveryId: 'wh-1',
            deliveryKey: 'shopify:dev-store.myshopify.com:wh-1',
            subjectId: '820982911946154500',
            eventId: 'e1',
            outcome: 'published',
            reason: null,
            detail: null,
            httpStatus: 200,
            sourceAddress: '203.0.113.9',
            headers: {},
            publishedTo: [{ topic: 'shopify.orders.v1', partition: 0, offset: '3' }],
          },
        ],
        nextCursor: req.query.cursor ? null : 'next-page',
      });
    });
    routes.post('/admin/events/process', express.json(), (req) => {
      processRequests.push(req.body);
      const development = { NODE_ENV: 'development' };
      loadConfig({ tenants: tenantsSetting(development) }, development).tenants.requireById('shop-gone');
    });
    services = await startTestServer('ops-cli-stand-in', routes);
  });

  afterAll(async () => {
    await services?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [deadLetters, archive, `retry.${group}.v1`] }).catch(() => undefined);
    await admin.deleteGroups([reader]).catch(() => undefined);
    await admin.disconnect();
    await database?.drop();
  });

  async function ops(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return opsWith({}, ...argv);
  }

  async function opsWith(
    options: { ask?: (question: string) => Promise<boolean>; env?: NodeJS.ProcessEnv },
    ...argv: string[]
  ): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const env = options.env ?? {
      ...process.env,
      NODE_ENV: 'development',
      OPERATIONS_DATABASE_URL: database.url,
      OPERATOR: 'tester',
      OPS_GATEWAY_URL: services.base,
      OPS_INVENTORY_URL: services.base,
    };
    const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text), env, ask: options.ask });
    return { code, out, err };
  }

  const commands = [
    'status',
    'offsets reset',
    'deadletters list',
    'deadletters show',
    'deadletters redrive',
    'deadletters purge',
    'webhooks replay',
    'webhooks send-test',
    'deliveries list',
    'deliveries replay',
    'deliveries jobs',
    'events process',
    'events publish',
    'reconcile run',
    'reconcile repair',
    'reconcile show',
    'tenants list',
    'tenants add',
    'tenants rotate-secret',
    'tenants remove',
    'audit',
  ];

  it('explains itself with --help at every level', async () => {
    const overview = await ops('--help');
    expect(overview.code).toBe(0);
    expect(overview.out).toMatch(/Usage: npm run ops -- <command>/);
    for (const command of commands) {
      expect(overview.out).toContain(`  ${command}`);
      const help = await ops(...command.split(' '), '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Usage: npm run ops -- ${command}`);
      expect(help.out).toContain('--json');
    }
    expect((await ops('deadletters', '--help')).out).toContain('deadletters purge --group <g>');
  });

  it('lists every option of a command in its help, each with what it does and its default', async () => {
    for (const command of commands) {
      const { out } = await ops(...command.split(' '), '--help');
      const optionLines = out.split('\n').filter((line) => /^ {2}--/.test(line));
      // Each line: the option, a description, and what holds without it.
      for (const line of optionLines) expect(line).toMatch(/^ {2}--[a-z-]+( \S+)? +\S.* \((default: .+|required)\)$/);
      const listed = new Set(optionLines.map((line) => /^ {2}(--[a-z-]+)/.exec(line)?.[1]));
      const usage = /^Usage: .*$/m.exec(out)?.[0] ?? '';
      for (const mentioned of usage.match(/--[a-z-]+/g) ?? [])
        expect({ command, option: mentioned, listed: listed.has(mentioned) }).toEqual({ command, option: mentioned, listed: true });
    }
    const reset = (await ops('offsets', 'reset', '--help')).out;
    expect(reset).toMatch(
      /^ {2}--shift-by <n> +by n from the committed offset, negative to move back, clamped into the retained log \(default: none\)$/m,
    );
    expect(reset).toMatch(/^ {2}--to-latest +to the end of the log.* \(default: off\)$/m);
    expect(reset).toMatch(/^ {2}--group <g> +the consumer group whose offsets move \(required\)$/m);
    expect((await ops('deadletters', 'list', '--help')).out).toMatch(/^ {2}--limit <n> +the newest n matching \(default: 100\)$/m);
    expect((await ops('events', 'process', '--help')).out).toMatch(/^Arguments:\n {2}<topic>:<partition>:<offset> +the record/m);
  });

  it('exits 2 with a readable message on a bad command line', async () => {
    expect(await ops('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(await ops('audit', '--bogus')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--bogus'") });
    expect(await ops('offsets', 'reset', '--group', 'g', '--topic', 't')).toMatchObject({
      code: 2,
      err: expect.stringContaining('exactly one of --to-earliest'),
    });
    expect(await ops('offsets', 'reset', '--group', 'g', '--topic', 't', '--to-earliest')).toMatchObject({
      code: 2,
      err: expect.stringContaining('add --yes'),
    });
    expect(await ops('offsets', 'reset', '--topic', 't', '--to-earliest', '--dry-run')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--group is required'),
    });
    expect(await ops('offsets', 'reset', '--group', 'g', '--topic', 't', '--shift-by', 'back')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--shift-by must be a whole number'),
    });
    expect(await ops('offsets', 'reset', '--group', 'g', '--topic', 't', '--to-latest', '--partition', '1', '--dry-run')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--partition goes with --to-offset or --shift-by'),
    });
    expect(await ops('webhooks', 'replay', '--from', 'yesterday', '--to', '2025-01-01T00:00:00Z')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--from must be an ISO 8601 time'),
    });
    expect(await ops('webhooks', 'send-test')).toMatchObject({
      code: 2,
      err: expect.stringContaining('give <file>: the webhook body to send'),
    });
    expect(await ops('webhooks', 'send-test', 'no/such/file.json')).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
  });

  it('refuses every argument a command does not take, instead of dropping it', async () => {
    expect(await ops('deadletters', 'list', '--group', group, 'extra')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unexpected argument "extra": deadletters list takes no arguments'),
    });
    expect(await ops('audit', 'alice')).toMatchObject({ code: 2, err: expect.stringContaining('unexpected argument "alice"') });
    expect(await ops('status', 'one', 'two')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unexpected argument "two": status takes one <delivery-id|order-id>'),
    });
    expect(await ops('reconcile', 'show', 'run-1', 'run-2')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unexpected argument "run-2"'),
    });
    // A word after a flag is not another delivery id: only the words right after --delivery-id are.
    expect(await ops('webhooks', 'replay', '--delivery-id', 'wh-1', '--dry-run', 'wh-2')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unexpected argument "wh-2": webhooks replay takes no arguments'),
    });
    const asJson = await ops('offsets', 'reset', '--group', 'g', '--topic', 't', '--to-latest', '--dry-run', 'stray', '--json');
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.out)).toEqual({ error: { message: expect.stringContaining('unexpected argument "stray"'), code: 'usage' } });
  });

  it('replays every delivery id given after --delivery-id', async () => {
    const missing = await ops(
      'webhooks',
      'replay',
      '--delivery-id',
      'absent-1',
      'absent-2',
      '--delivery-id',
      'absent-3',
      '--archive-topic',
      archive,
      '--dry-run',
      '--json',
    );
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toMatchObject({ found: 0, missing: ['absent-1', 'absent-2', 'absent-3'] });
    const dry = await ops('webhooks', 'replay', '--delivery-id', ...archived, '--archive-topic', archive, '--dry-run', '--json');
    expect(JSON.parse(dry.out)).toMatchObject({
      found: 2,
      missing: [],
      deliveries: archived.map((deliveryId) => ({ deliveryId })),
      actingOn: { kafka: brokers, gateway: services.base },
    });
    expect(replayed).toEqual([]);
  });

  it('asks before a replay, showing the cluster, the gateway and the deliveries, and refuses with nobody to ask', async () => {
    const replay = ['webhooks', 'replay', '--delivery-id', ...archived, '--archive-topic', archive];
    expect(await ops(...replay)).toMatchObject({
      code: 2,
      err: expect.stringContaining('nobody can confirm here: add --yes to go ahead, or --dry-run to see the plan'),
    });
    const questions: string[] = [];
    const declined = await opsWith({ ask: async (question) => (questions.push(question), false) }, ...replay, '--as', 'replayer');
    expect(declined.code).toBe(1);
    expect(questions).toEqual(['Replay them?']);
    expect(declined.err).toMatch(
      new RegExp(`Kafka cluster: +${brokers}\\ngateway: +${services.base}\\nReplay 2 archived delivery\\(ies\\) through the gateway:`),
    );
    expect(declined.err).toContain('wh-2');
    expect(replayed).toEqual([]);
    const confirmed = await opsWith({ ask: async () => true }, ...replay, '--as', 'replayer');
    expect(confirmed.code).toBe(0);
    expect(confirmed.out).toContain(`Kafka cluster: ${brokers}`);
    expect(replayed).toHaveLength(2);
    expect((await ops(...replay, '--yes', '--as', 'replayer')).code).toBe(0);
    expect(replayed).toHaveLength(4);
    const audit = JSON.parse((await ops('audit', '--json', '--actor', 'replayer')).out) as {
      actions: Array<{ action: string; outcome: string }>;
    };
    expect(audit.actions.map(({ action, outcome }) => `${action} ${outcome}`)).toEqual([
      'webhooks.replay succeeded',
      'webhooks.replay succeeded',
      'webhooks.replay refused',
    ]);
  });

  it('searches the delivery history with every filter, and names the next page', async () => {
    const human = await ops(
      'deliveries',
      'list',
      '--from',
      '2026-12-01T00:00:00Z',
      '--to',
      '2026-12-08T00:00:00Z',
      '--source',
      'shopify',
      '--tenant',
      'dev-store',
      '--topic',
      'orders/create',
      '--outcome',
      'rejected',
      '--reason',
      'shopify.signature_invalid',
      '--subject',
      '820982911946154500',
      '--delivery-id',
      'wh-forged',
      '--limit',
      '2',
    );
    expect(human.code).toBe(0);
    expect(historyQueries.at(-1)).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-08T00:00:00.000Z',
      source: 'shopify',
      tenant: 'dev-store',
      topic: 'orders/create',
      outcome: 'rejected',
      reason: 'shopify.signature_invalid',
      subject: '820982911946154500',
      deliveryId: 'wh-forged',
      limit: '2',
    });
    expect(human.out).toMatch(/wh-forged .*rejected: shopify\.signature_invalid +401 +203\.0\.113\.9/);
    expect(human.out).toMatch(/wh-1 +820982911946154500 +published +200/);
    expect(human.out).toContain('2 shown; older ones: --cursor next-page');
    const last = await ops('deliveries', 'list', '--cursor', 'next-page', '--json');
    expect(historyQueries.at(-1)).toEqual({ cursor: 'next-page' });
    expect(JSON.parse(last.out)).toMatchObject({ nextCursor: null, deliveries: [{ deliveryId: 'wh-forged' }, { deliveryId: 'wh-1' }] });
    expect((await ops('deliveries', 'list', '--from', 'yesterday')).code).toBe(2);
  });

  it('replays by search only with a filter, a rate above 0, and no filters beside --resume', async () => {
    for (const [argv, message] of [
      [['deliveries', 'replay', '--yes'], 'give at least one filter'],
      [['deliveries', 'replay', '--subject', '1', '--rate', '0', '--yes'], '--rate must be'],
      [['deliveries', 'replay', '--subject', '1', '--rate', 'fast', '--yes'], '--rate must be'],
      [
        ['deliveries', 'replay', '--resume', '6f1c2f8e-0000-4000-8000-000000000000', '--subject', '1'],
        '--resume goes on with the job as it was planned',
      ],
    ] as Array<[string[], string]>) {
      const refused = await ops(...argv);
      expect({ argv, code: refused.code, err: refused.err }).toEqual({ argv, code: 2, err: expect.stringContaining(message) });
    }
    const unknown = await ops('deliveries', 'replay', '--resume', '6f1c2f8e-0000-4000-8000-000000000000', '--yes');
    expect({ code: unknown.code, err: unknown.err }).toEqual({
      code: 1,
      err: expect.stringContaining('no replay job 6f1c2f8e-0000-4000-8000-000000000000'),
    });
  });

  it('lists dead letters for people and as JSON', async () => {
    const human = await ops('deadletters', 'list', '--group', group);
    expect(human.code).toBe(0);
    expect(human.out).toContain(`${deadLetters}:0:0`);
    expect(human.out).toContain('contracts.not_wire_format');
    expect(human.err).toMatch(/reading dead letters: 1\/1/);
    const machine = await ops('deadletters', 'list', '--group', group, '--json');
    expect(machine.err).toBe('');
    expect(JSON.parse(machine.out)).toMatchObject({
      matched: 1,
      deadLetters: [{ id: `${deadLetters}:0:0`, category: 'poison', original: { topic: 'shopify.orders.v1', partition: 0, offset: '5' } }],
    });
  });

  it('says a partition without dead letters is empty', async () => {
    const shown = await ops('deadletters', 'show', `${deadLetters}:1:0`, '--json');
    expect(shown.code).toBe(1);
    expect(shown.err).toContain(`${deadLetters}:1 is empty: it holds no records`);
    // No offset -1 in the message; the topic's name, random, may hold "-1" itself.
    expect(shown.err.replaceAll(deadLetters, '')).not.toContain('-1');
    expect(JSON.parse(shown.out)).toMatchObject({ error: { code: 'kafka.no_such_record' } });
  });

  it('fails with exit 1 and a readable message, also as JSON', async () => {
    const failed = await ops('deadletters', 'list', '--group', 'no-such-group-x', '--json');
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('group no-such-group-x has no dead-letter topic');
    expect(JSON.parse(failed.out)).toEqual({
      error: { message: expect.stringContaining('no dead-letter topic'), code: 'operations.no_dead_letter_topic' },
    });
  });

  it('purges only with --yes, and every action is in the audit log under the operator', async () => {
    const unconfirmed = await ops('deadletters', 'purge', '--group', group, '--as', 'alice');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.out).toContain(`Kafka cluster: ${brokers}`);
    expect(unconfirmed.out).toContain('Would purge 1 record(s)');
    const audit = JSON.parse((await ops('audit', '--json', '--action', 'deadletters.')).out) as {
      actions: Array<{ actor: string; action: string; outcome: string }>;
    };
    expect(audit.actions.map(({ actor, action, outcome }) => ({ actor, action, outcome }))).toEqual([
      { actor: 'alice', action: 'deadletters.purge', outcome: 'dry_run' },
    ]);
    expect((await ops('audit')).out).toContain('deadletters.purge');
  });

  it('asks before redriving --all, showing the cluster and what goes back, and refuses with nobody to ask', async () => {
    const redrive = ['deadletters', 'redrive', '--all', '--group', group, '--as', 'redriver'];
    expect(await ops(...redrive)).toMatchObject({ code: 2, err: expect.stringContaining('add --yes') });
    const dry = await ops(...redrive, '--dry-run', '--json');
    expect(JSON.parse(dry.out)).toMatchObject({
      results: [{ id: `${deadLetters}:0:0`, status: 'would_redrive' }],
      actingOn: { kafka: brokers },
    });
    const declined = await opsWith({ ask: async () => false }, ...redrive);
    expect(declined.code).toBe(1);
    expect(declined.err).toMatch(new RegExp(`Kafka cluster: +${brokers}\\nRedrive 1 dead letter\\(s\\) to their groups' retry topics:\\n`));
    expect(declined.err).toContain(`${deadLetters}:0:0`);
    expect(declined.err).toContain('refused: not confirmed by the operator');
    const confirmed = await opsWith({ ask: async () => true }, ...redrive);
    expect(confirmed.code).toBe(0);
    expect(confirmed.out).toMatch(new RegExp(`${deadLetters}:0:0 +redriven +retry\\.${group}\\.v1:`));
    const audit = JSON.parse((await ops('audit', '--json', '--actor', 'redriver')).out) as { actions: Array<{ outcome: string }> };
    expect(audit.actions.map(({ outcome }) => outcome)).toEqual(['succeeded', 'refused', 'dry_run']);
  });

  it('resets offsets to the log end or by a shift, naming the cluster and saying where it clamped', async () => {
    const reset = ['offsets', 'reset', '--group', reader, '--topic', deadLetters, '--dry-run'];
    const latest = await ops(...reset, '--to-latest');
    expect(latest.code).toBe(0);
    expect(latest.out).toMatch(new RegExp(`^Kafka cluster: ${brokers}\\nGroup ${reader} on ${deadLetters}, reset to latest:`));
    const shifted = JSON.parse((await ops(...reset, '--shift-by', '-5', '--json')).out) as {
      plan: { target: string; partitions: unknown[] };
      actingOn: Record<string, string>;
    };
    expect(shifted.plan.target).toBe('shift by -5');
    expect(shifted.plan.partitions).toEqual([
      { partition: 0, committed: '1', target: '0', toReprocess: 1, toSkip: 0, lagAfter: 1, clamped: { wanted: '-4', to: 'earliest' } },
      { partition: 1, committed: '0', target: '0', toReprocess: 0, toSkip: 0, lagAfter: 0, clamped: { wanted: '-5', to: 'earliest' } },
      { partition: 2, committed: '0', target: '0', toReprocess: 0, toSkip: 0, lagAfter: 0, clamped: { wanted: '-5', to: 'earliest' } },
    ]);
    expect(shifted.actingOn).toEqual({ kafka: brokers });
    const human = await ops(...reset, '--shift-by=-1', '--partition', '0');
    expect(human.out).toContain('reset to shift by -1 on partition 0');
    expect(human.out).not.toContain('clamped');
    expect((await ops(...reset, '--shift-by', '3', '--partition', '0')).out).toMatch(
      /^0 +1 +1 +0 +0 +0 +clamped to latest: 4 is outside the log$/m,
    );
    const questions: string[] = [];
    const declined = await opsWith(
      { ask: async (question) => (questions.push(question), false) },
      'offsets',
      'reset',
      '--group',
      reader,
      '--topic',
      deadLetters,
      '--to-latest',
    );
    expect(declined.code).toBe(1);
    expect(questions).toEqual(['Apply this reset?']);
    expect(declined.err).toContain(`Kafka cluster: ${brokers}`);
  });

  it("reports an unknown tenant by the service's code, not by the HTTP status it came with", async () => {
    const processed = await ops('events', 'process', '--service', 'inventory-service', `${deadLetters}:0:0`, '--json');
    expect(processed.code).toBe(1);
    expect(processed.err).toMatch(
      /^error: unknown tenant: inventory-service does not know the tenant of .*:0:0 \(tenant\.unknown\): tenant shop-gone is not configured/,
    );
    expect(processed.err).not.toContain('404');
    expect(JSON.parse(processed.out)).toEqual({ error: { message: expect.stringContaining('unknown tenant'), code: 'tenant.unknown' } });
  });

  describe('outside development', () => {
    // Named so that the settings load: what is missing is the endpoint under test.
    const production = { NODE_ENV: 'production', SCHEMA_REGISTRY_URL: 'https://registry.example.com', OPERATOR: 'tester' };

    it('refuses to fall back to a local endpoint, naming the variable to set', async () => {
      const list = await opsWith(
        { env: { ...production, OPERATIONS_DATABASE_URL: 'postgres://ops@db.example.com/ops' } },
        'deadletters',
        'list',
        '--group',
        group,
        '--json',
      );
      expect(list.code).toBe(1);
      expect(list.err).toContain(
        'KAFKA_BROKERS is not set: outside development (NODE_ENV=development) the ops CLI never falls back to the local kafka at 127.0.0.1:9092',
      );
      expect(JSON.parse(list.out)).toMatchObject({ error: { code: 'operations.endpoint_not_named' } });
      expect((await opsWith({ env: production }, 'audit')).err).toContain('OPERATIONS_DATABASE_URL or RECONCILER_DATABASE_URL is not set');
      const processedBefore = processRequests.length;
      const processed = await opsWith(
        { env: { ...production, KAFKA_BROKERS: brokers, OPERATIONS_DATABASE_URL: 'postgres://ops@db.example.com/ops' } },
        'events',
        'process',
        '--service',
        'inventory-service',
        `${deadLetters}:0:0`,
      );
      expect(processed).toMatchObject({ code: 1, err: expect.stringContaining('OPS_INVENTORY_URL is not set') });
      expect(processRequests).toHaveLength(processedBefore);
      expect(
        (
          await opsWith(
            { env: { ...production, OPS_WEBHOOK_URL: 'https://hooks.example.com' } },
            'webhooks',
            'send-test',
            __filename,
            '--topic',
            'orders/create',
          )
        ).err,
      ).not.toContain('OPS_WEBHOOK_URL is not set');
      expect((await opsWith({ env: production }, 'webhooks', 'send-test', __filename, '--topic', 'orders/create')).err).toContain(
        'OPS_WEBHOOK_URL is not set',
      );
    });
  });
});
