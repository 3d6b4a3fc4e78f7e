import { randomUUID } from 'node:crypto';
import { Admin } from 'kafkajs';
import { topics } from '@consign/contracts';
import { developmentAdminKey } from '@consign/service-runtime';
import { waitFor } from '@consign/test-support';
import { PlatformUnderTest } from './support/platform-under-test';

/**
 * The reconciler reports consumer lag from Kafka itself (decision 0022): a platform group whose
 * service is not running at all shows on its /metrics, counted from the group's committed offset.
 */
const run = randomUUID().slice(0, 8);
/** inventory-service's group under this run's name; no inventory-service runs. */
const downGroup = `inventory-service-lag-e2e-${run}`;
const auditTopic = topics.operationsAudit.name;
let platform: PlatformUnderTest;

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = platform.kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

async function endOffset(): Promise<number> {
  const [partition] = await withAdmin((admin) => admin.fetchTopicOffsets(auditTopic));
  return Number(partition.high);
}

/** The value of one series in a Prometheus text exposition, undefined when absent. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = exposition
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `) ? wanted.every((pair) => candidate.includes(pair)) : false,
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  platform = await PlatformUnderTest.start(
    ['reconciler'],
    {},
    { reconciler: { LAG_POLL_INTERVAL: '1s', INVENTORY_CONSUMER_GROUP: downGroup } },
  );
}, 180_000);

afterAll(async () => {
  if (!platform) return;
  await withAdmin((admin) => admin.deleteGroups([downGroup])).catch(() => undefined);
  await platform.teardown();
});

it('shows a down group’s lag, read from Kafka, on the reconciler’s /metrics behind the metrics key', async () => {
  // The group commits on the audit topic (which the reconciler itself creates) and has no member.
  const committed = Math.max(0, (await endOffset()) - 1);
  await withAdmin((admin) =>
    admin.setOffsets({ groupId: downGroup, topic: auditTopic, partitions: [{ partition: 0, offset: String(committed) }] }),
  );
  const before = await endOffset();
  const since = Date.now() / 1000;

  const metricsUrl = `${platform.internalUrls.reconciler}/metrics`;
  expect((await fetch(metricsUrl)).status).toBe(401);
  const exposition = await waitFor(
    'the down group’s lag on the reconciler’s /metrics',
    async () => {
      const text = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${developmentAdminKey}` } })).text();
      const polledAt = sample(text, 'consign_lag_poll_timestamp_seconds') ?? 0;
      return polledAt > since &&
        sample(text, 'consign_consumer_group_lag_records', { group: downGroup, topic: auditTopic, partition: '0' }) !== undefined
        ? text
        : undefined;
    },
    60_000,
  );
  const after = await endOffset();

  expect(sample(exposition, 'consign_kafka_up')).toBe(1);
  const lag = sample(exposition, 'consign_consumer_group_lag_records', { group: downGroup, topic: auditTopic, partition: '0' }) ?? -1;
  expect(lag).toBeGreaterThanOrEqual(before - committed);
  expect(lag).toBeLessThanOrEqual(after - committed);
  const lagSeconds = sample(exposition, 'consign_consumer_group_lag_seconds', { group: downGroup, topic: auditTopic, partition: '0' });
  if (lag === 0) expect(lagSeconds).toBe(0);
  else expect(lagSeconds).toBeGreaterThan(0);
  // The reconciler's own audit-log group, running, is reported beside it, with its dead letters.
  expect(exposition).toMatch(
    new RegExp(
      `^consign_consumer_group_lag_records\\{group="reconciler-audit-e2e-[^"]+",topic="${auditTopic.replace(/\./g, '\\.')}",partition="0"\\} \\d+$`,
      'm',
    ),
  );
  expect(exposition).toMatch(/^consign_dead_letter_records\{group="reconciler-audit-e2e-[^"]+"\} \d+$/m);
}, 120_000);
