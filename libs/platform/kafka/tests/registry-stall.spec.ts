import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { events } from '@consign/contracts';
import { EventCodec } from '@consign/kafka';
import { testEndpoints } from '@consign/test-support';

/**
 * Preparing the schemas when the real registry leaves requests unanswered (as Apicurio has done
 * while several clients wrote one subject): a fault-injecting proxy in front of it holds the first
 * requests it gets without an answer, then passes the rest through.
 */
interface StallingProxy {
  url: string;
  stalled(): number;
  close(): Promise<void>;
}

async function startStallingProxy(upstreamUrl: string, stallFirst: number): Promise<StallingProxy> {
  const upstream = new URL(upstreamUrl);
  const held: ServerResponse[] = [];
  const server: Server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (held.length < stallFirst) {
      held.push(outgoing);
      return;
    }
    const proxied = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: `${upstream.pathname.replace(/\/$/, '')}${incoming.url}`,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stalled: () => held.length,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const definitions = [events.shopifyOrderCreated, events.clerkUserCreated];
let direct: Map<string, number>;
const proxies: StallingProxy[] = [];

beforeAll(async () => {
  direct = await new EventCodec(testEndpoints().schemaRegistryUrl).register(definitions);
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
});

async function proxy(stallFirst: number): Promise<StallingProxy> {
  const started = await startStallingProxy(testEndpoints().schemaRegistryUrl, stallFirst);
  proxies.push(started);
  return started;
}

it('registers and resolves the schemas although the registry leaves the first requests unanswered', async () => {
  const registering = await proxy(2);
  expect(await new EventCodec(registering.url, { requestTimeoutMs: 400, retryDelaysMs: [50, 50] }).register(definitions)).toEqual(direct);
  expect(registering.stalled()).toBe(2);
  const resolving = await proxy(2);
  expect(await new EventCodec(resolving.url, { requestTimeoutMs: 400, retryDelaysMs: [50, 50] }).resolve(definitions)).toEqual(direct);
  expect(resolving.stalled()).toBe(2);
});

it('gives up, saying the registry did not answer, once its tries are spent', async () => {
  const silent = await proxy(1000);
  await expect(new EventCodec(silent.url, { requestTimeoutMs: 300, retryDelaysMs: [50] }).register(definitions)).rejects.toMatchObject({
    code: 'registry.unreachable',
  });
  expect(silent.stalled()).toBe(2);
});
