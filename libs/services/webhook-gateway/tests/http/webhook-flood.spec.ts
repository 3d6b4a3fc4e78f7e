import { readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { Tenant } from '@consign/tenants';
import { metricTotal, readFixture, waitFor } from '@consign/test-support';
import { signedShopifyOrderHeaders } from '../support/signed-deliveries';
import { RouterUnderTest, WebhookRouterHarness } from '../support/webhook-router-harness';

/**
 * A flood of slow senders from one address against the real router and HTTP server (real
 * PostgreSQL and registry, Kafka unreachable so deliveries spool): 600 connections from 127.0.0.2,
 * each sending a webhook's headers and then its body a byte at a time. The per-sender limit keeps
 * them from taking the gateway's slots from real webhooks from 127.0.0.1, and the request deadline
 * cuts them all. On Linux all of 127.0.0.0/8 is loopback, so no other address is involved.
 */
const floodConnections = 600;
const deadlines = { headersTimeoutMs: 1000, requestTimeoutMs: 3000 };
const maxInFlight = 500;
const maxInFlightPerSender = 100;
const shop: Tenant = {
  id: 'flood-store',
  shopDomain: 'flood-store.myshopify.com',
  shopifyWebhookSecrets: ['shopify-secret'],
  clerkInstanceIds: [],
  clerkSigningSecrets: [],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
};

let harness: WebhookRouterHarness;
let gateway: RouterUnderTest;

beforeAll(async () => {
  harness = await WebhookRouterHarness.open('consign_gateway_flood_test');
  gateway = await harness.serve({ tenants: [shop], maxInFlight, maxInFlightPerSender, deadlines });
});

afterAll(async () => {
  await harness?.close();
});

/** The soft limit on this process's open files: the flood needs a client and a server socket per connection. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

interface SlowSender {
  socket: Socket;
  startedAt: number;
  /** The answer's status line, if one came before the connection was cut. */
  statusLine?: string;
  closedAfterMs?: number;
}

/** Connects from 127.0.0.2, sends a webhook's headers at once, then its body one byte every 250 ms until the server closes the connection. */
function slowSender(port: number): Promise<SlowSender> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    const sender: SlowSender = { socket, startedAt: Date.now() };
    let answer = '';
    let trickle: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      sender.statusLine ??= answer.includes('\r\n') ? answer.slice(0, answer.indexOf('\r\n')) : undefined;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(trickle);
      sender.closedAfterMs = Date.now() - sender.startedAt;
    });
    socket.once('connect', () => {
      socket.write(
        [
          'POST /webhooks/shopify/order HTTP/1.1',
          'Host: 127.0.0.1',
          'Content-Type: application/json',
          'X-Shopify-Topic: orders/create',
          `X-Shopify-Shop-Domain: ${shop.shopDomain}`,
          'Content-Length: 100000',
          '',
          '',
        ].join('\r\n'),
      );
      trickle = setInterval(() => socket.write('{'), 250);
      resolve(sender);
    });
    socket.once('error', reject);
  });
}

describe('a flood of slow senders from one address', () => {
  it('leaves room for real webhooks from another address, and is cut at the request deadline', async () => {
    // Two sockets per connection in this process (client and server side), plus what Jest and the pools hold.
    const needed = 2 * floodConnections + 200;
    if (openFilesLimit() < needed)
      throw new Error(`the flood needs about ${needed} open files in this process; its limit is ${openFilesLimit()} (raise ulimit -n)`);
    const port = Number(new URL(gateway.base).port);

    const flood: SlowSender[] = [];
    // In batches, so that the connections never outrun the listen backlog.
    for (let batch = 0; batch < floodConnections / 100; batch += 1) {
      flood.push(...(await Promise.all(Array.from({ length: 100 }, () => slowSender(port)))));
    }
    await waitFor(
      'the flood to hold its share of slots and be refused the rest',
      async () => {
        const refused = flood.filter((sender) => sender.statusLine?.startsWith('HTTP/1.1 429')).length;
        return refused === floodConnections - maxInFlightPerSender &&
          (await metricTotal(gateway.registry, 'consign_webhook_requests_in_flight')) === maxInFlightPerSender
          ? true
          : undefined;
      },
      10_000,
      50,
    );

    // Real webhooks from 127.0.0.1 while the flood holds its connections open.
    const real = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const body = readFixture('shopify/orders-create.json');
        const response = await fetch(`${gateway.base}/webhooks/shopify/order`, {
          method: 'POST',
          body,
          headers: signedShopifyOrderHeaders(shop, body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    expect(real).toEqual(Array.from({ length: 5 }, () => ({ status: 200, body: expect.objectContaining({ status: 'spooled' }) })));
    expect(flood.every((sender) => sender.closedAfterMs === undefined)).toBe(true);

    // Every slow connection is cut at the deadline, counted from its first byte, and frees its slot.
    await waitFor(
      'every slow connection to be cut',
      async () => (flood.every((sender) => sender.closedAfterMs !== undefined) ? true : undefined),
      deadlines.requestTimeoutMs + 5_000,
      50,
    );
    const closedAfterMs = flood.map((sender) => sender.closedAfterMs ?? Infinity);
    expect(Math.min(...closedAfterMs)).toBeGreaterThanOrEqual(deadlines.requestTimeoutMs - 50);
    expect(Math.max(...closedAfterMs)).toBeLessThan(deadlines.requestTimeoutMs + 2_000);
    expect(flood.filter((sender) => sender.statusLine === undefined || sender.statusLine.startsWith('HTTP/1.1 408')).length).toBe(
      maxInFlightPerSender,
    );
    await waitFor(
      'the slots to be free again',
      async () => ((await metricTotal(gateway.registry, 'consign_webhook_requests_in_flight')) === 0 ? true : undefined),
      2_000,
      20,
    );
  }, 45_000);
});
