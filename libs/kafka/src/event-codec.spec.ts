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
