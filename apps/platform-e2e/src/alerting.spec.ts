import { randomUUID } from 'node:crypto';
import { startMonitoringStack, type MonitoringStack } from '@consign/infra-local';
import { developmentAdminKey } from '@consign/service-runtime';
import { orderBody, shopifyId, testEndpoints, waitFor, WebhookSender } from '@consign/test-support';
import { PlatformUnderTest } from './support/platform-under-test';

/**
 * An alert, end to end: Prometheus scrapes the platform's apps (the reconciler hosting the lag
 * exporter) and evaluates the real rules of monitoring/prometheus/rules; Alertmanager mails through
 * the development mail sink. With inventory-service's consumer stopped by its admin endpoint,
 * webhooks pile up as lag: the queue-backup alert fires and its email arrives. With the consumer
 * started again, the resolved notice arrives.
 *
 * So that this takes seconds, not ten minutes, ConsignConsumerLagRecordsHigh is rendered with
 * `for: 5s` instead of 10m and a threshold of 2 records instead of 1000 (writeShortenedRules,
 * which changes nothing else in any expression and fails if the rule no longer ends with
 * `> 1000`); Prometheus scrapes and evaluates every second, the lag exporter polls every second,
 * and Alertmanager waits 1 s before a first notification and 2 s between updates.
 */
const run = randomUUID().slice(0, 8);
const recipient = `alerts-${run}@example.test`;
const mailSink = testEndpoints().mailSinkUrl;

/** Alertmanager's default email is HTML: each alert's labels and annotations. */
interface MailMessage {
  subject: string;
  html: string | null;
}

let platform: PlatformUnderTest;
let monitoring: MonitoringStack | undefined;
let group: string;

async function alertMails(): Promise<MailMessage[]> {
  const response = await fetch(`${mailSink}/api/messages?to=${encodeURIComponent(recipient)}`);
  if (!response.ok) throw new Error(`mail sink answered ${response.status}`);
  const body = (await response.json()) as MailMessage[] | { messages: MailMessage[] };
  return Array.isArray(body) ? body : body.messages;
}

/** The first mail whose subject starts with `prefix` and names this run's consumer group. */
async function mailFor(prefix: string): Promise<MailMessage | undefined> {
  return (await alertMails()).find((mail) => mail.subject.startsWith(prefix) && mail.subject.includes(group));
}

async function consumer(action: 'stop' | 'start'): Promise<void> {
  const response = await fetch(`${platform.internalUrls['inventory-service']}/admin/consumer/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${developmentAdminKey}` },
  });
  expect(response.status).toBe(200);
}

function withDiagnostics<T>(promise: Promise<T>): Promise<T> {
  return promise.catch(async (error: Error) => {
    const alerts = monitoring ? JSON.stringify(await monitoring.alerts().catch(() => [])) : '-';
    const scraped = await fetch(`${platform.internalUrls.reconciler}/metrics`, {
      headers: { authorization: `Bearer ${developmentAdminKey}` },
    }).then(
      (response) => response.text(),
      () => '',
    );
    const lag = scraped
      .split('\n')
      .filter(
        (line) => /^consign_(kafka_up|lag_poll)/.test(line) || (line.startsWith('consign_consumer_group_lag') && line.includes(group)),
      );
    throw new Error(
      `${error.message}\nalerts: ${alerts}\nthe reconciler's lag metrics for ${group}:\n${lag.join('\n')}\n--- monitoring ---\n${monitoring?.output().slice(-3000) ?? ''}\n--- reconciler ---\n${platform.output('reconciler').slice(-3000)}`,
    );
  });
}

beforeAll(async () => {
  // The lag exporter polls every second; it finds this run's inventory group among those reading the platform's topics.
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'reconciler'],
    {},
    { reconciler: { LAG_POLL_INTERVAL: '1s' } },
    { skipHistory: true },
  );
  group = platform.groups['inventory-service'];
  const hostPort = (url: string): string => new URL(url).host;
  monitoring = await startMonitoringStack({
    scrapeTargets: {
      gateway: hostPort(platform.internalUrls.gateway),
      'inventory-service': hostPort(platform.internalUrls['inventory-service']),
      reconciler: hostPort(platform.internalUrls.reconciler),
    },
    // The lag exporter reports every group it finds reading the platform's topics on the shared
    // Kafka (earlier test runs' among them): this Prometheus keeps this run's only.
    metricRelabelConfigs: { reconciler: [{ source_labels: ['group'], regex: `|${group}`, action: 'keep' }] },
    metricsKey: developmentAdminKey,
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    shortenRules: { ConsignConsumerLagRecordsHigh: { for: '5s', threshold: { from: 1000, to: 2 } } },
    alertmanager: {
      smtp: { smarthost: new URL(testEndpoints().smtpUrl).host, to: recipient },
      groupWait: '1s',
      groupInterval: '2s',
    },
  });
}, 240_000);

afterAll(async () => {
  await monitoring?.stop();
  await platform?.teardown();
});

describe('an alert, end to end', () => {
  it('mails the queue-backup alert while a consumer is stopped, and the resolved notice once it runs again', async () => {
    await withDiagnostics(
      waitFor(
        'Prometheus to scrape the three apps',
        async () => {
          const response = await fetch(`${monitoring?.prometheusUrl}/api/v1/query?query=${encodeURIComponent('up == 1')}`);
          const body = (await response.json()) as { data: { result: unknown[] } };
          return body.data.result.length === 3 ? true : undefined;
        },
        30_000,
        500,
      ),
    );
    await consumer('stop');
    const webhooks = new WebhookSender(platform.urls.gateway);
    for (let index = 0; index < 4; index += 1) {
      const id = shopifyId();
      await webhooks.shopify(
        'orders/create',
        orderBody({
          id,
          name: `#A-${id}`,
          lines: [
            { id: shopifyId(), productId: shopifyId(), variantId: shopifyId(), title: 'Alerting test item', quantity: 1, price: '10.00' },
          ],
        }),
      );
    }

    const firing = await withDiagnostics(
      waitFor('the ConsignConsumerLagRecordsHigh email', () => mailFor('[FIRING:1] ConsignConsumerLagRecordsHigh'), 90_000, 500),
    );
    expect(firing.subject).toContain('shopify.orders.v1');
    expect(firing.html).toContain('docs/troubleshooting.md#consignconsumerlagrecordshigh');
    expect(firing.html).toMatch(new RegExp(`Consumer group ${group} is [4-9] records behind on shopify\\.orders\\.v1`));
    expect(await mailFor('[RESOLVED] ConsignConsumerLagRecordsHigh')).toBeUndefined();

    await consumer('start');
    const resolved = await withDiagnostics(
      waitFor('the resolved notice', () => mailFor('[RESOLVED] ConsignConsumerLagRecordsHigh'), 90_000, 500),
    );
    expect(resolved.html).toContain('docs/troubleshooting.md#consignconsumerlagrecordshigh');
  }, 240_000);
});
