import { connect, Socket } from 'node:net';

export interface KeepAliveRequest {
  method: string;
  /** Path and query, as sent on the request line. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface KeepAliveResponse {
  status: number;
  body: Buffer;
}

export interface KeepAliveHttpClientOptions {
  host: string;
  port: number;
  /** Requests beyond this many in flight wait for a connection to come free. */
  maxConnections?: number;
  /** A request whose connection stays silent this long fails (and its connection is closed); 30 s unless told. */
  timeoutMs?: number;
  /**
   * A connection idle this long is closed instead of reused; 4 s unless told. It must stay below
   * the server's keep-alive timeout (node:http's is 5 s): a request written just as the server
   * closes an idle connection is answered with a reset, and fails although nothing was wrong.
   */
  idleTimeoutMs?: number;
}

/**
 * A lean HTTP/1.1 client for load generators: kept-alive connections, one request at a time on
 * each (no pipelining, as webhook senders do), responses framed by Content-Length. At 500
 * requests/s on this machine it costs 7 to 9 % of a core, against 11 to 12 % for node:http's
 * client, and a load generator shares the two cores with what it measures. It is not a general client: a response
 * without Content-Length (chunked, or ended by closing) is refused as an error.
 */
export class KeepAliveHttpClient {
  // Most recently freed last: those at the bottom have been idle longest.
  private readonly idle: Array<{ connection: Connection; since: number }> = [];
  private readonly busy = new Set<Connection>();
  private readonly queued: Array<{
    request: KeepAliveRequest;
    resolve: (response: KeepAliveResponse) => void;
    reject: (error: Error) => void;
  }> = [];
  private opened = 0;
  private closed = false;
  private readonly maxConnections: number;

  constructor(private readonly options: KeepAliveHttpClientOptions) {
    this.maxConnections = options.maxConnections ?? 1024;
  }

  /** Connections opened so far: with keep-alive, far fewer than requests. */
  get connectionsOpened(): number {
    return this.opened;
  }

  request(request: KeepAliveRequest): Promise<KeepAliveResponse> {
    if (this.closed) return Promise.reject(new Error('the client is closed'));
    return new Promise((resolve, reject) => {
      const connection =
        this.freshIdleConnection() ?? (this.busy.size + this.idle.length < this.maxConnections ? this.openConnection() : undefined);
      if (connection) connection.send(request, resolve, reject);
      else this.queued.push({ request, resolve, reject });
    });
  }

  /** Closes every connection; requests still in flight or queued fail. */
  close(): void {
    this.closed = true;
    for (const waiting of this.queued.splice(0)) waiting.reject(new Error('the client is closed'));
    for (const { connection } of this.idle.splice(0)) connection.destroy();
    for (const connection of this.busy) connection.destroy(new Error('the client is closed'));
  }

  private openConnection(): Connection {
    this.opened += 1;
    const connection = new Connection(this.options.host, this.options.port, this.options.timeoutMs ?? 30_000, {
      onFree: () => this.reuse(connection),
      onGone: () => this.forget(connection),
    });
    this.busy.add(connection);
    return connection;
  }

  /** The most recently freed idle connection; those idle too long are closed on the way. */
  private freshIdleConnection(): Connection | undefined {
    const oldestUsable = performance.now() - (this.options.idleTimeoutMs ?? 4_000);
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      if (entry.since >= oldestUsable) return entry.connection;
      // Destroying it calls forget(), which finds it no longer in the idle list.
      entry.connection.destroy();
    }
    return undefined;
  }

  private reuse(connection: Connection): void {
    const next = this.queued.shift();
    if (next) connection.send(next.request, next.resolve, next.reject);
    else {
      this.busy.delete(connection);
      this.idle.push({ connection, since: performance.now() });
    }
  }

  private forget(connection: Connection): void {
    this.busy.delete(connection);
    const at = this.idle.findIndex((entry) => entry.connection === connection);
    if (at >= 0) this.idle.splice(at, 1);
    // A closed connection leaves room for a new one: whoever waits gets it.
    const next = !this.closed && this.queued.shift();
    if (next) {
      const replacement = this.openConnection();
      replacement.send(next.request, next.resolve, next.reject);
    }
  }
}

const headerEnd = Buffer.from('\r\n\r\n');

/** One socket, one request at a time; tells its client when it is free again or gone. */
class Connection {
  private readonly socket: Socket;
  private pending: { resolve: (response: KeepAliveResponse) => void; reject: (error: Error) => void } | undefined;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private head: { status: number; bodyStart: number; bodyLength: number; close: boolean } | undefined;
  private gone = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    timeoutMs: number,
    private readonly events: { onFree: () => void; onGone: () => void },
  ) {
    this.socket = connect({ host, port, noDelay: true });
    // Only a waiting request fails: an idle kept-alive connection stays open.
    this.socket.setTimeout(timeoutMs, () => {
      if (this.pending) this.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (error) => this.destroy(error));
    this.socket.on('close', () => this.destroy(new Error('the server closed the connection')));
  }

  send(request: KeepAliveRequest, resolve: (response: KeepAliveResponse) => void, reject: (error: Error) => void): void {
    this.pending = { resolve, reject };
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(request.headers ?? {})) head += `${name}: ${value}\r\n`;
    if (request.body) head += `content-length: ${request.body.length}\r\n`;
    head += '\r\n';
    // One write (writev) for the head and the body.
    this.socket.cork();
    this.socket.write(head, 'latin1');
    if (request.body) this.socket.write(request.body);
    this.socket.uncork();
  }

  destroy(error?: Error): void {
    if (this.gone) return;
    this.gone = true;
    this.socket.destroy();
    const pending = this.pending;
    this.pending = undefined;
    if (pending) pending.reject(error ?? new Error('the connection was closed'));
    this.events.onGone();
  }

  private receive(chunk: Buffer): void {
    if (!this.pending) {
      this.destroy(new Error('the server sent bytes nobody asked for'));
      return;
    }
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    try {
      this.head ??= this.parseHead();
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    if (!this.head) return;
    const total = this.head.bodyStart + this.head.bodyLength;
    if (this.receivedBytes < total) return;
    if (this.receivedBytes > total) {
      this.destroy(new Error(`the server sent ${this.receivedBytes - total} bytes after the response`));
      return;
    }
    const all = this.received.length === 1 ? this.received[0] : Buffer.concat(this.received, this.receivedBytes);
    const response = { status: this.head.status, body: all.subarray(this.head.bodyStart) };
    const { resolve } = this.pending;
    const close = this.head.close;
    this.pending = undefined;
    this.received = [];
    this.receivedBytes = 0;
    this.head = undefined;
    resolve(response);
    if (close) this.destroy();
    else this.events.onFree();
  }

  /** The status line and headers once they have all arrived; undefined until then. */
  private parseHead(): Connection['head'] {
    const all = this.received.length === 1 ? this.received[0] : Buffer.concat(this.received, this.receivedBytes);
    this.received = [all];
    const end = all.indexOf(headerEnd);
    if (end < 0) return undefined;
    const lines = all.toString('latin1', 0, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1];
    if (!status) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0].slice(0, 80))}`);
    let bodyLength: number | undefined;
    let close = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') bodyLength = Number(value);
      else if (name === 'connection') close = value.toLowerCase() === 'close';
    }
    const code = Number(status);
    // These never carry a body, whatever their headers say.
    if (code === 204 || code === 304) bodyLength = 0;
    if (bodyLength === undefined || !Number.isSafeInteger(bodyLength) || bodyLength < 0) {
      throw new Error(`a ${code} response without a usable Content-Length: this client frames responses by it`);
    }
    return { status: code, bodyStart: end + headerEnd.length, bodyLength, close };
  }
}
