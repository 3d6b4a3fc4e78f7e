import { createServer, Server, Socket } from 'node:net';
import { events } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { EventCodec } from './event-codec';

/**
 * A registry that accepts connections and never answers: the fault seen once in CI, where one
 * registration hung and its service never became ready.
 */
describe('EventCodec against a registry that never answers', () => {
  let silent: Server;
  let registryUrl: string;
  const connections = new Set<Socket>();

  beforeAll(async () => {
    silent = createServer((socket) => connections.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('the silent registry has no port');
    registryUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up on registering after its request timeout, so the caller can retry', async () => {
    const codec = new EventCodec(registryUrl, { requestTimeoutMs: 200 });
    const startedAt = Date.now();
    const failure = await codec.register([events.shopifyOrderCreated as never]).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'registry.unreachable', category: 'dependency' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('reports a decode the registry does not answer as the registry being unreachable, not as a poison record', async () => {
    const codec = new EventCodec(registryUrl, { requestTimeoutMs: 200 });
    const failure = await codec.decode(Buffer.from([0, 0, 0, 0, 42, 2])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ code: 'registry.unreachable', category: 'dependency' });
  });
});

describe('EventCodec against a registry that answers with errors', () => {
  let failing: import('node:http').Server;
  let registryUrl: string;

  beforeAll(async () => {
    const { createServer: createHttpServer } = await import('node:http');
    failing = createHttpServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error_code: 50301, message: 'registry restarting' }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    registryUrl = `http://127.0.0.1:${(failing.address() as import('node:net').AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => failing.close(resolve));
  });

  it('waits out a registry answering 5xx while decoding instead of dead-lettering the record as poison', async () => {
    const failure = await new EventCodec(registryUrl, { requestTimeoutMs: 2000 })
      .decode(Buffer.from([0, 0, 0, 0, 43, 2]))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'registry.unreachable', category: 'dependency' });
  });
});
