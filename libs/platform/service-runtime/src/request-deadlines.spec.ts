import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { applyRequestDeadlines } from './request-deadlines';

const deadlines = { headersTimeoutMs: 400, requestTimeoutMs: 800 };
/** Far below Node's default check every 30 s, which would let these requests run on for up to 30 s. */
const promptly = 1000;

let server: Server;
let port: number;
/** Per request path, whether the server saw its request close. */
const closed = new Map<string, boolean>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    closed.set(String(req.url), false);
    res.once('close', () => closed.set(String(req.url), true));
    req.resume();
    req.once('end', () => {
      // A slow answer: waits past the request deadline once the request is in.
      setTimeout(() => res.end('answered'), req.url === '/slow-answer' ? deadlines.requestTimeoutMs + 400 : 0);
    });
  });
  applyRequestDeadlines(server, deadlines);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Sends `head` at once, then `trickle` one character every 100 ms; resolves when the server closes the socket (or after 5 s). */
function trickledRequest(head: string, trickle: string): Promise<{ elapsedMs: number; answer: string }> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < trickle.length) socket.write(trickle[sent++]);
    }, 100);
    const giveUp = setTimeout(() => socket.destroy(), 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ elapsedMs: Date.now() - startedAt, answer });
    });
    socket.write(head);
  });
}

describe('applyRequestDeadlines', () => {
  it('cuts a request whose headers trickle in, with 408 at the headers deadline', async () => {
    const { elapsedMs, answer } = await trickledRequest(
      'POST /slow-headers HTTP/1.1\r\nHost: 127.0.0.1\r\n',
      'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(deadlines.headersTimeoutMs);
    expect(elapsedMs).toBeLessThan(deadlines.headersTimeoutMs + promptly);
  });

  it('cuts a request whose body trickles in, with 408 at the request deadline, and the server sees it close', async () => {
    const { elapsedMs, answer } = await trickledRequest(
      'POST /slow-body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n',
      '{'.repeat(1000),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(deadlines.requestTimeoutMs);
    expect(elapsedMs).toBeLessThan(deadlines.requestTimeoutMs + promptly);
    // What the request held (a webhook's admission slot) is released on this event.
    expect(closed.get('/slow-body')).toBe(true);
  });

  it('lets the answer take longer than the request deadline once the request is in', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/slow-answer`, { method: 'POST', body: 'quick' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('answered');
  });

  it('refuses a server already listening, and deadlines that Node would not keep', () => {
    expect(() => applyRequestDeadlines(server, deadlines)).toThrow(/before the server listens/);
    expect(() => applyRequestDeadlines(createServer(), { headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(/must not exceed/);
    expect(() => applyRequestDeadlines(createServer(), { headersTimeoutMs: 0, requestTimeoutMs: 1000 })).toThrow(/must be positive/);
  });
});
