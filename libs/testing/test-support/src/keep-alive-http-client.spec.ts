import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { KeepAliveHttpClient } from './keep-alive-http-client';

describe('KeepAliveHttpClient against a node:http server', () => {
  let server: Server;
  let port: number;
  let connections: number;
  let handle: (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;
  const clients: KeepAliveHttpClient[] = [];
  const client = (maxConnections?: number): KeepAliveHttpClient => {
    const created = new KeepAliveHttpClient({ host: '127.0.0.1', port, maxConnections });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => handle(request, Buffer.concat(chunks), response));
    });
    server.on('connection', () => (connections += 1));
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(() => {
    connections = 0;
  });

  afterEach(() => {
    for (const created of clients.splice(0)) created.close();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, path, headers and body, and returns the status and the whole body', async () => {
    handle = (request, body, response) => {
      response.statusCode = 201;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          method: request.method,
          url: request.url,
          topic: request.headers['x-shopify-topic'],
          length: body.length,
          last: body[body.length - 1],
        }),
      );
    };
    const body = Buffer.alloc(15_000, 7);
    const response = await client().request({
      method: 'POST',
      path: '/webhooks/shopify/order?x=1',
      headers: { 'x-shopify-topic': 'orders/create' },
      body,
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body.toString())).toEqual({
      method: 'POST',
      url: '/webhooks/shopify/order?x=1',
      topic: 'orders/create',
      length: 15_000,
      last: 7,
    });
  });

  it('keeps one connection alive across sequential requests', async () => {
    handle = (_request, _body, response) => response.end('ok');
    const sequential = client();
    for (let index = 0; index < 5; index += 1) {
      expect((await sequential.request({ method: 'GET', path: '/healthz' })).body.toString()).toBe('ok');
    }
    expect(sequential.connectionsOpened).toBe(1);
    expect(connections).toBe(1);
  });

  it('closes a connection idle longer than its idle timeout instead of reusing it, before the server would', async () => {
    handle = (_request, _body, response) => response.end('ok');
    const patient = new KeepAliveHttpClient({ host: '127.0.0.1', port, idleTimeoutMs: 100 });
    clients.push(patient);
    await patient.request({ method: 'GET', path: '/healthz' });
    await patient.request({ method: 'GET', path: '/healthz' });
    expect(patient.connectionsOpened).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await patient.request({ method: 'GET', path: '/healthz' })).body.toString()).toBe('ok');
    expect(patient.connectionsOpened).toBe(2);
    expect(connections).toBe(2);
  });

  it('opens no more than maxConnections, and queued requests wait for a free one', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    handle = (request, _body, response) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        response.end(request.url);
      }, 5);
    };
    const limited = client(4);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => limited.request({ method: 'GET', path: `/${index}` })));
    expect(responses.map((response) => response.body.toString())).toEqual(Array.from({ length: 20 }, (_, index) => `/${index}`));
    expect(limited.connectionsOpened).toBe(4);
    expect(mostInFlight).toBe(4);
  });

  it('reads a large body that arrives in many chunks', async () => {
    const large = Buffer.alloc(300_000, 'a');
    handle = (_request, _body, response) => response.end(large);
    const response = await client().request({ method: 'GET', path: '/large' });
    expect(response.body.equals(large)).toBe(true);
  });

  it('answers 204 without waiting for a body', async () => {
    handle = (_request, _body, response) => {
      response.statusCode = 204;
      response.end();
    };
    expect((await client().request({ method: 'DELETE', path: '/thing' })).status).toBe(204);
  });

  it('opens a new connection after the server answered with Connection: close', async () => {
    handle = (_request, _body, response) => {
      response.setHeader('connection', 'close');
      response.end('bye');
    };
    const closing = client();
    expect((await closing.request({ method: 'GET', path: '/a' })).body.toString()).toBe('bye');
    expect((await closing.request({ method: 'GET', path: '/b' })).body.toString()).toBe('bye');
    expect(closing.connectionsOpened).toBe(2);
  });

  it('fails a request whose connection the server drops, and the next request gets a new connection', async () => {
    handle = (request, _body, response) => {
      if (request.url === '/drop') request.socket.destroy();
      else response.end('fine');
    };
    const dropped = client();
    await expect(dropped.request({ method: 'GET', path: '/drop' })).rejects.toThrow('closed the connection');
    expect((await dropped.request({ method: 'GET', path: '/after' })).body.toString()).toBe('fine');
    expect(dropped.connectionsOpened).toBe(2);
  });

  it('refuses a response it cannot frame (chunked), naming why', async () => {
    handle = (_request, _body, response) => {
      response.write('part one');
      response.end('part two');
    };
    await expect(client().request({ method: 'GET', path: '/chunked' })).rejects.toThrow('without a usable Content-Length');
  });

  it('fails a request the server never answers once the timeout has passed, and closes its connection', async () => {
    handle = () => undefined;
    const impatient = new KeepAliveHttpClient({ host: '127.0.0.1', port, timeoutMs: 100 });
    clients.push(impatient);
    await expect(impatient.request({ method: 'GET', path: '/never' })).rejects.toThrow('no answer within 100 ms');
    handle = (_request, _body, response) => response.end('late but fine');
    expect((await impatient.request({ method: 'GET', path: '/next' })).body.toString()).toBe('late but fine');
    expect(impatient.connectionsOpened).toBe(2);
  });

  it('fails when nothing listens on the port', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const unusedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new KeepAliveHttpClient({ host: '127.0.0.1', port: unusedPort });
    await expect(refused.request({ method: 'GET', path: '/' })).rejects.toThrow('ECONNREFUSED');
    refused.close();
  });
});
