import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaMessage } from 'kafkajs';
import { Browser, chromium, Page } from 'playwright-core';
import { deadLetterHeaders } from '@consign/kafka';
import { developmentAdminKey, hashApiKey } from '@consign/service-runtime';
import { ShopifyAdminStandIn, startDevelopmentShopify } from '@consign/test-support';
import { operationsEnvironment, opsCli } from './support/ops-cli';
import { PlatformUnderTest } from './support/platform-under-test';

/**
 * The operator console in headless Chromium (Debian's package) against the real platform: an
 * operator signs in with their own key, finds an order's delivery and its timeline, redrives a
 * dead letter, previews and runs a replay, and finds both in the audit log; by keyboard, and on a
 * phone-sized screen. The screenshots in the README are taken here (UPDATE_SCREENSHOTS=1 writes
 * them to docs/images/console; otherwise they go to a temporary folder).
 */
const root = join(__dirname, '../../..');
const bundle = join(root, 'dist/apps/ops-cli/main.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs/images/console') : mkdtempSync(join(tmpdir(), 'console-screenshots-'));
const pages = [
  'sign-in',
  'deliveries',
  'delivery-timeline',
  'dead-letter',
  'replay',
  'offsets',
  'reconciliation',
  'audit',
  'narrow-screen',
] as const;
const operatorKey = `olivia-${randomUUID()}`;
// The platform and the console know the same operator key; the development key stays for the harness' own reads.
const apiKeys = JSON.stringify([
  { name: 'developer', sha256: hashApiKey(developmentAdminKey), scopes: ['read', 'admin', 'metrics'] },
  { name: 'olivia', sha256: hashApiKey(operatorKey), scopes: ['read', 'admin'] },
]);

let platform: PlatformUnderTest;
let shopify: ShopifyAdminStandIn;
let consoleProcess: ChildProcess;
let consoleUrl: string;
let browser: Browser;
let page: Page;
let ops: ReturnType<typeof opsCli>;
let orderDeliveryId: string;
let deadLetterId: string;

async function readRecord(topic: string, partition: number, offset: string): Promise<KafkaMessage> {
  const consumer = platform.kafka.consumer({ groupId: `console-e2e-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic });
  const found = new Promise<KafkaMessage>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition: at, message }) => {
        if (at === partition && message.offset === offset) resolve(message);
      },
    });
  });
  consumer.seek({ topic, partition, offset });
  try {
    return await found;
  } finally {
    await consumer.disconnect();
  }
}

async function startConsole(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--enable-source-maps', bundle, 'console'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /operator console at (\S+)/.exec(output);
      if (found) resolve(found[1]);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`the console exited ${code}:\n${output}`)));
  });
  return { child, url };
}

// Run in the browser, where document and window are; written as text because this project's types know no DOM.
const focusedText = 'document.activeElement?.textContent';

async function screenshot(name: (typeof pages)[number]): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Waits for the page's status line to clear (it is hidden when empty): no command left running. */
async function idle(target: Page = page): Promise<void> {
  await target.locator('#status').waitFor({ state: 'hidden', timeout: 60_000 });
}

beforeAll(async () => {
  expect(existsSync(chromiumPath)).toBe(true);
  mkdirSync(screenshots, { recursive: true });
  shopify = await startDevelopmentShopify(0);
  platform = await PlatformUnderTest.start(
    ['gateway', 'inventory-service', 'earnings-service', 'consignor-service', 'notification-service', 'reconciler'],
    { NODE_ENV: 'development', SHOPIFY_ADMIN_API_ORIGIN: shopify.origin, RECONCILER_SCHEDULE: 'off', API_KEYS: apiKeys },
    {},
    { skipHistory: true },
  );
  ops = opsCli(platform, 'console-e2e');
  // An order, as Shopify sends it, with the consignor and the product it refers to.
  for (const [file, ...extra] of [
    ['fixtures/clerk/user-created.json'],
    ['fixtures/development/products-update-consignor.json', '--topic', 'products/update'],
    ['fixtures/shopify/orders-create.json'],
  ]) {
    const sent = await ops<{ deliveryId: string; status: number }>('webhooks', 'send-test', file, ...extra);
    expect(sent).toMatchObject({ code: 0, json: { status: 200 } });
    orderDeliveryId = sent.json.deliveryId;
    await platform.settled();
  }
  // A dead letter of that order, as inventory-service writes one: the record, with why it failed.
  const status = await ops<{ deliveries: Array<{ records: Array<{ record: { topic: string; partition: number; offset: string } }> }> }>(
    'status',
    orderDeliveryId,
  );
  // The order event, not the raw archive's copy (whose body is sealed).
  const { record } =
    status.json.deliveries[0].records.find((entry) => entry.record.topic.startsWith('shopify.orders')) ??
    status.json.deliveries[0].records[0];
  const original = await readRecord(record.topic, record.partition, record.offset);
  const group = platform.groups['inventory-service'];
  const deadLetterTopic = `deadletter.${group}.v1`;
  const admin = platform.kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: deadLetterTopic, numPartitions: 1, replicationFactor: -1 }] });
  await admin.disconnect();
  const producer = platform.kafka.producer();
  await producer.connect();
  const [written] = await producer.send({
    topic: deadLetterTopic,
    messages: [
      {
        partition: 0,
        key: original.key,
        value: original.value,
        headers: {
          ...original.headers,
          [deadLetterHeaders.topic]: record.topic,
          [deadLetterHeaders.partition]: String(record.partition),
          [deadLetterHeaders.offset]: record.offset,
          [deadLetterHeaders.group]: group,
          [deadLetterHeaders.category]: 'dependency',
          [deadLetterHeaders.code]: 'database.unavailable',
          [deadLetterHeaders.message]: 'PostgreSQL did not answer within 10 s',
          [deadLetterHeaders.attempts]: '5',
        },
      },
    ],
  });
  await producer.disconnect();
  deadLetterId = `${deadLetterTopic}:0:${written.baseOffset}`;

  ({ child: consoleProcess, url: consoleUrl } = await startConsole({
    ...operationsEnvironment(platform),
    CONSOLE_PORT: '0',
    API_KEYS: apiKeys,
  }));
  // As root (CI), Chromium's sandbox cannot start; the pages it opens are the test's own.
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  consoleProcess?.kill('SIGTERM');
  await platform?.teardown();
  await shopify?.close();
});

describe('the operator console in a browser', () => {
  it('signs in by keyboard with an operator key, and refuses a wrong one', async () => {
    await page.goto(consoleUrl);
    const key = page.getByLabel('Operator key');
    await key.waitFor();
    await expect(page.evaluate<boolean>("document.activeElement?.id === 'api-key'")).resolves.toBe(true);
    await page.keyboard.type('not-a-key');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'not an operator key' }).waitFor();
    await screenshot('sign-in');
    await key.fill('');
    await page.keyboard.type(operatorKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    await expect(page.locator('#operator').textContent()).resolves.toContain('olivia');
    // The session lives in an HttpOnly cookie: the page's script cannot read it.
    await expect(page.evaluate<string>('document.cookie')).resolves.toBe('');
  });

  it('finds a delivery by its order id and opens its timeline', async () => {
    await page.getByLabel('Order, product or user id').fill('820982911946154500');
    await page.keyboard.press('Enter');
    const link = page.getByRole('link', { name: orderDeliveryId });
    await link.waitFor();
    await idle();
    await screenshot('deliveries');
    await link.focus();
    await page.keyboard.press('Enter');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.waitFor();
    await expect(timeline.textContent()).resolves.toMatch(/Received from .*: published, answered HTTP 200/);
    await expect(timeline.textContent()).resolves.toMatch(/Published to shopify\.orders\.v\d+:\d+:\d+/);
    await expect(timeline.textContent()).resolves.toContain(`${platform.groups['inventory-service']}: processed`);
    await expect(timeline.textContent()).resolves.toContain(
      `Dead-lettered by ${platform.groups['inventory-service']}: dependency/database.unavailable`,
    );
    await idle();
    await screenshot('delivery-timeline');
  });

  it('redrives a dead letter, after showing what goes back and asking', async () => {
    await page.getByRole('link', { name: deadLetterId }).click();
    await page.getByRole('heading', { name: /^Payload \(schema \d+\)$/ }).waitFor();
    await expect(page.locator('pre').first().textContent()).resolves.toContain('820982911946154500');
    await page.getByRole('button', { name: 'Redrive…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain(deadLetterId);
    await screenshot('dead-letter');
    // Cancel has the focus: one Tab to Confirm, Enter to go ahead.
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>(focusedText)).resolves.toBe('Confirm');
    await page.keyboard.press('Enter');
    await page.getByRole('cell', { name: 'redriven', exact: true }).waitFor();
    const listed = await ops<{ deadLetters: Array<{ id: string; redrives: unknown[] }> }>(
      'deadletters',
      'list',
      '--group',
      platform.groups['inventory-service'],
    );
    expect(listed.json.deadLetters.find((entry) => entry.id === deadLetterId)?.redrives).toHaveLength(1);
  });

  it('previews a replay, then runs it once confirmed', async () => {
    await page.goto(`${consoleUrl}#/deliveries/${orderDeliveryId}`);
    await page.getByRole('link', { name: 'Replay this delivery…' }).click();
    const search = page.locator('form', { has: page.getByLabel('Per second at most') });
    await expect(search.getByLabel('Delivery id').inputValue()).resolves.toBe(orderDeliveryId);
    await search.getByRole('button', { name: 'Preview and replay…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('cell', { name: orderDeliveryId }).waitFor();
    await expect(dialog.textContent()).resolves.toContain('1 archived delivery(ies) would be replayed');
    await screenshot('replay');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Replayed: 1, failed: 0.').waitFor({ timeout: 60_000 });
    await page.getByText(/^Job [0-9a-f-]+: finished\.$/).waitFor();
    // The delivery's timeline shows the replay too.
    await page.goto(`${consoleUrl}#/deliveries/${orderDeliveryId}`);
    await page.getByRole('list', { name: 'Timeline' }).getByText('Replayed by olivia (deliveries.replay): succeeded').waitFor();
  });

  it('shows the redrive and the replay in the audit log, under the operator', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'deliveries.replay' }).first().waitFor();
    const rows = await page.locator('tbody tr').allTextContents();
    for (const action of ['deadletters.redrive', 'deliveries.replay'])
      expect(rows.some((row) => row.includes('olivia') && row.includes(action) && row.includes('succeeded'))).toBe(true);
    await idle();
    await screenshot('audit');
  });

  it('plans an offset reset and changes nothing when cancelled', async () => {
    await page.getByRole('link', { name: 'Offsets' }).click();
    await page.getByLabel('Consumer group').fill(platform.groups['inventory-service']);
    await page.getByLabel('Topic').fill('shopify.orders.v1');
    await page.getByLabel('Move to').selectOption('to-latest');
    await page.getByRole('button', { name: 'Plan and apply…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/record\(s\) to reprocess/).waitFor();
    await screenshot('offsets');
    await page.keyboard.press('Escape');
    await page.getByText('Cancelled: nothing changed.').waitFor();
  });

  it('runs a reconciliation against Shopify', async () => {
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    await page.getByRole('button', { name: 'Run now…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/^Run [0-9a-f-]+: succeeded/).waitFor({ timeout: 90_000 });
    await page.getByRole('table').getByRole('link').first().waitFor();
    await idle();
    await screenshot('reconciliation');
  });

  it('moves between pages by keyboard alone', async () => {
    await page.goto(`${consoleUrl}#/deliveries`);
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    // From the page's title: the page links in order, and the skip link just before them.
    await page.locator('header h1').click();
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>(focusedText)).resolves.toBe('Deliveries');
    await page.keyboard.press('Shift+Tab');
    await expect(page.evaluate<string>(focusedText)).resolves.toBe('Skip to the page');
    await page.keyboard.press('Enter');
    await expect(page.evaluate<string>('document.activeElement?.id')).resolves.toBe('main');
    await expect(page.getByRole('heading', { name: 'Deliveries' }).isVisible()).resolves.toBe(true);
    await page.locator('header h1').click();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>(focusedText)).resolves.toBe('Dead letters');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dead letters', exact: true }).waitFor();
    await expect(page.getByRole('link', { name: 'Dead letters', exact: true }).getAttribute('aria-current')).resolves.toBe('page');
  });

  it('fits a phone-sized screen: no page scrolls sideways, and every page link stays reachable', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, storageState: await page.context().storageState() });
    try {
      for (const path of [
        '#/deliveries',
        '#/deadletters',
        '#/replay',
        '#/offsets',
        '#/reconciliation',
        '#/audit',
        `#/deliveries/${orderDeliveryId}`,
      ]) {
        await phone.goto(`${consoleUrl}${path}`);
        await phone.locator('main h2').first().waitFor();
        await idle(phone);
        expect({ path, overflow: await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth') }).toEqual({
          path,
          overflow: 0,
        });
        for (const link of await phone.locator('#pages a').all()) await expect(link.isVisible()).resolves.toBe(true);
        if (path === `#/deliveries/${orderDeliveryId}`)
          await phone.screenshot({ path: join(screenshots, 'narrow-screen.png'), fullPage: true });
      }
    } finally {
      await phone.close();
    }
  });

  it('is shown in the README, one screenshot per page, each taken by this test', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of pages) {
      expect({ name, taken: existsSync(join(screenshots, `${name}.png`)) }).toEqual({ name, taken: true });
      expect({ name, committed: existsSync(join(root, 'docs/images/console', `${name}.png`)) }).toEqual({ name, committed: true });
      expect(readme).toContain(`(docs/images/console/${name}.png)`);
    }
  });
});
