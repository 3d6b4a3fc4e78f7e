import { Server } from 'node:http';

export interface RequestDeadlines {
  /** From a request's first byte to the end of its headers. */
  headersTimeoutMs: number;
  /** From a request's first byte to the end of its body; the answer may take longer. */
  requestTimeoutMs: number;
}

/**
 * Cuts a connection whose request arrives too slowly: headers not complete within
 * `headersTimeoutMs`, or the whole request not received within `requestTimeoutMs`, counted from
 * its first byte. Node then answers 408 (or closes the socket) and the request's 'close' fires, so
 * whatever it held (a webhook's admission slot) is freed. Without this, Node's defaults (60 s and
 * 5 min) let a sender that trickles one byte every few seconds hold a slot for minutes.
 *
 * Node checks the deadlines on a timer started when the server begins listening (every 30 s by
 * default, which could let a request run almost twice its deadline), so this must be called before
 * `listen`; the check then runs every tenth of the shorter deadline, at most every second.
 */
export function applyRequestDeadlines(server: Server, deadlines: RequestDeadlines): void {
  const { headersTimeoutMs, requestTimeoutMs } = deadlines;
  if (server.listening) throw new Error('request deadlines must be applied before the server listens: Node starts checking them on listen');
  if (!(headersTimeoutMs > 0 && requestTimeoutMs > 0))
    throw new RangeError(`request deadlines must be positive, got headers ${headersTimeoutMs} ms and request ${requestTimeoutMs} ms`);
  // Node itself refuses this combination at createServer: the headers are part of the request.
  if (headersTimeoutMs > requestTimeoutMs)
    throw new RangeError(`the headers deadline (${headersTimeoutMs} ms) must not exceed the request deadline (${requestTimeoutMs} ms)`);
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = requestTimeoutMs;
  // Read by Node when listening begins; @types/node has it only as a createServer option.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    1,
    Math.min(1000, Math.floor(headersTimeoutMs / 10)),
  );
}
