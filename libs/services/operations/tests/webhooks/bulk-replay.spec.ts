import { DataSource } from 'typeorm';
import { TemporaryDatabase } from '@consign/test-support';
import {
  AdminClient,
  HistoryDelivery,
  listBulkReplayJobs,
  listOperatorActions,
  operationsSettings,
  Progress,
  runBulkReplay,
} from '@consign/operations';
import { operationsTestDatabase, startStandIn } from '../support/test-fixtures';

/**
 * Replays by search against the real operations database and a stand-in gateway answering the
 * delivery history (three entries a page) and replays as the gateway does.
 */
const archive = 'webhooks.raw.v1';

function delivery(id: number, outcome: HistoryDelivery['outcome'], archivedAt?: number): HistoryDelivery {
  return {
    id: String(id),
    requestId: `r${id}`,
    receivedAt: new Date(Date.UTC(2026, 11, 7, 5, 0, id)).toISOString(),
    source: 'shopify',
    tenantId: 'dev-store',
    topic: 'orders/create',
    deliveryId: `d${id}`,
    deliveryKey: outcome === 'rejected' ? null : `shopify:dev-store.myshopify.com:d${id}`,
    subjectId: '820982911946154500',
    eventId: null,
    outcome,
    reason: outcome === 'rejected' ? 'shopify.signature_invalid' : null,
    detail: null,
    httpStatus: outcome === 'rejected' ? 401 : 200,
    sourceAddress: '127.0.0.1',
    headers: {},
    publishedTo:
      archivedAt === undefined
        ? null
        : [
            { topic: archive, partition: 1, offset: String(archivedAt) },
            { topic: 'shopify.orders.v1', partition: 0, offset: String(archivedAt) },
          ],
  };
}

// Newest first, as the gateway pages them: seven published, a refusal, a repeat, one still spooled.
const history: HistoryDelivery[] = [
  delivery(10, 'published', 107),
  delivery(9, 'duplicate'),
  delivery(8, 'published', 106),
  delivery(7, 'spooled'),
  delivery(6, 'published', 105),
  delivery(5, 'rejected'),
  delivery(4, 'published', 104),
  delivery(3, 'published', 103),
  delivery(2, 'published', 102),
  delivery(1, 'published', 101),
];

let database: TemporaryDatabase;
let dataSource: DataSource;
let gateway: Awaited<ReturnType<typeof startStandIn>>;
/** How many more replay batches the stand-in takes before it answers 503 (Kafka gone); undefined: all. */
let batchesBeforeOutage: number | undefined;
const replayed: string[] = [];
const historyQueries: URLSearchParams[] = [];

beforeAll(async () => {
  ({ database, dataSource } = await operationsTestDatabase());
  gateway = await startStandIn({
    'GET /admin/delivery-history': (request) => {
      const query = new URL(request.path, 'http://gateway').searchParams;
      historyQueries.push(query);
      const from = Number(query.get('cursor') ?? 0);
      return { body: { deliveries: history.slice(from, from + 3), nextCursor: from + 3 < history.length ? String(from + 3) : null } };
    },
    'POST /admin/webhooks/replay': (request) => {
      if (batchesBeforeOutage !== undefined && batchesBeforeOutage-- <= 0)
        return { status: 503, body: { code: 'gateway.kafka_unavailable', detail: 'Kafka did not acknowledge' } };
      const positions = (request.body as { archived: Array<{ partition: number; offset: string }> }).archived;
      replayed.push(...positions.map((position) => `${position.partition}:${position.offset}`));
      return {
        body: {
          results: positions.map((archivedAt) => ({
            archivedAt,
            deliveryId: `d${Number(archivedAt.offset) - 100}`,
            status: 'published',
            eventIds: [],
            publishedTo: [],
          })),
        },
      };
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  await dataSource?.destroy();
  await database?.drop();
});

beforeEach(() => {
  replayed.length = 0;
  historyQueries.length = 0;
  batchesBeforeOutage = undefined;
});

/** A clock the throttle's waits move forward, so the test sees the waits instead of taking them. */
function fakeClock() {
  const clock = { at: 1_000_000, waits: [] as number[] };
  return { clock, now: () => clock.at, sleep: async (ms: number) => void (clock.waits.push(ms), (clock.at += ms)) };
}

function deps(actor: string, clock = fakeClock()) {
  return {
    http: new AdminClient({ ...operationsSettings({ NODE_ENV: 'development' }).serviceUrls, gateway: gateway.url }, 'dev-admin-key'),
    database: dataSource,
    actor,
    progress: (label: string, total?: number) => new Progress(label, total, () => undefined),
    now: clock.now,
    sleep: clock.sleep,
  };
}

it('replays every archived delivery the search matched, oldest first and once each, and says why the others cannot be', async () => {
  const dry = await runBulkReplay(deps('ada'), {
    search: { subject: '820982911946154500', tenant: 'dev-store' },
    ratePerSecond: 100,
    dryRun: true,
  });
  expect(dry.targets.map((target) => target.deliveryId)).toEqual(['d1', 'd2', 'd3', 'd4', 'd6', 'd8', 'd10']);
  expect(replayed).toEqual([]);
  expect(historyQueries.map((query) => [query.get('subject'), query.get('tenant'), query.get('limit'), query.get('cursor')])).toEqual([
    ['820982911946154500', 'dev-store', '500', null],
    ['820982911946154500', 'dev-store', '500', '3'],
    ['820982911946154500', 'dev-store', '500', '6'],
    ['820982911946154500', 'dev-store', '500', '9'],
  ]);
  expect(dry.notReplayable).toEqual([
    { deliveryId: 'd9', outcome: 'duplicate', reason: expect.stringMatching(/repeat/) },
    { deliveryId: 'd7', outcome: 'spooled', reason: expect.stringMatching(/spool/) },
    { deliveryId: 'd5', outcome: 'rejected', reason: expect.stringMatching(/shopify\.signature_invalid.*never archived/) },
  ]);

  const done = await runBulkReplay(deps('ada'), { search: { subject: '820982911946154500' }, ratePerSecond: 100 });
  expect(replayed).toEqual(['1:101', '1:102', '1:103', '1:104', '1:105', '1:106', '1:107']);
  expect(done.job).toMatchObject({ status: 'finished', total: 7, nextIndex: 7, replayed: 7, failed: 0 });
  expect((await listOperatorActions(dataSource, { actor: 'ada' })).map((action) => [action.action, action.outcome])).toEqual([
    ['deliveries.replay', 'succeeded'],
    ['deliveries.replay', 'dry_run'],
  ]);
});

it('keeps to the rate: batches no larger than a second of it, each started when the ones before fit', async () => {
  const time = fakeClock();
  await runBulkReplay(deps('bo', time), { search: { outcome: 'published' }, ratePerSecond: 2 });
  expect(replayed).toHaveLength(7);
  expect(
    gateway.requests
      .filter((request) => request.method === 'POST')
      .slice(-4)
      .map((request) => (request.body as { archived: unknown[] }).archived.length),
  ).toEqual([2, 2, 2, 1]);
  expect(time.clock.waits).toEqual([1000, 1000, 1000]);
});

it('stops at a lost gateway with the job stored, and resumes where it stopped, replaying nothing twice', async () => {
  batchesBeforeOutage = 1;
  let started = '';
  const stopped = await runBulkReplay(
    { ...deps('cy'), onJobStarted: (job) => (started = job.id) },
    { search: { outcome: 'published' }, ratePerSecond: 3 },
  ).catch((error: Error & { code?: string }) => error);
  expect(stopped).toMatchObject({ code: 'operations.replay_interrupted' });
  expect((stopped as Error).message).toContain(`resume it with --resume ${started}`);
  expect(replayed).toEqual(['1:101', '1:102', '1:103']);
  const [stored] = await listBulkReplayJobs(dataSource, 1);
  expect(stored).toMatchObject({
    id: started,
    actor: 'cy',
    status: 'interrupted',
    total: 7,
    nextIndex: 3,
    replayed: 3,
    failed: 0,
    lastError: expect.stringContaining('503'),
  });

  batchesBeforeOutage = undefined;
  const resumed = await runBulkReplay(deps('cy'), { resumeJobId: started });
  expect(replayed).toEqual(['1:101', '1:102', '1:103', '1:104', '1:105', '1:106', '1:107']);
  expect(resumed.job).toMatchObject({ id: started, status: 'finished', nextIndex: 7, replayed: 7 });
  await expect(runBulkReplay(deps('cy'), { resumeJobId: started })).rejects.toMatchObject({ code: 'operations.replay_job_finished' });
  await expect(runBulkReplay(deps('cy'), { resumeJobId: 'not-a-job' })).rejects.toMatchObject({ code: 'operations.replay_job_not_found' });
  expect((await listOperatorActions(dataSource, { actor: 'cy' })).map((action) => [action.outcome, action.parameters.job])).toEqual([
    ['succeeded', started],
    ['failed', started],
  ]);
});

it('asks first with the plan, and neither stores a job nor replays anything when declined', async () => {
  const asked: Array<string | null> = [];
  const jobsBefore = (await listBulkReplayJobs(dataSource, 100)).length;
  const declined = runBulkReplay(
    { ...deps('dee'), confirm: async ({ targets }) => (asked.push(...targets.map((target) => target.deliveryId)), false) },
    { search: { deliveryId: 'd4' }, ratePerSecond: 10 },
  );
  await expect(declined).rejects.toMatchObject({ code: 'operations.refused' });
  expect(asked).toEqual(['d1', 'd2', 'd3', 'd4', 'd6', 'd8', 'd10']);
  expect(replayed).toEqual([]);
  expect(await listBulkReplayJobs(dataSource, 100)).toHaveLength(jobsBefore);
  expect((await listOperatorActions(dataSource, { actor: 'dee' })).map((action) => action.outcome)).toEqual(['refused']);
  await expect(runBulkReplay(deps('dee'), { search: { deliveryId: 'd4' }, ratePerSecond: 0 })).rejects.toMatchObject({
    code: 'operations.invalid_rate',
  });
});
