import { request as httpRequest } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { createTestCertificateAuthority } from './test-certificates';

export interface RegistryAuthProxy {
  /** https://127.0.0.1:<port>/<the upstream's path>: the registry as clients reach it. */
  url: string;
  /** The CA that signed the proxy's certificate (PEM), for SCHEMA_REGISTRY_TLS_CA. */
  caCertificate: string;
  /** Requests refused for a missing or wrong Authorization header. */
  refused(): number;
  /** Requests passed to the registry. */
  forwarded(): number;
  close(): Promise<void>;
}

/**
 * A TLS-terminating, authenticating reverse proxy in front of the real registry, as a managed
 * registry is reached: https with a certificate of its own CA, and 401 unless the request carries
 * the expected Authorization header (HTTP basic, or a bearer token).
 */
export async function startRegistryAuthProxy(
  upstreamUrl: string,
  expected: { username: string; password: string } | { bearerToken: string },
): Promise<RegistryAuthProxy> {
  const authority = createTestCertificateAuthority('consign-stream test registry proxy');
  const leaf = authority.issue('127.0.0.1', ['127.0.0.1', 'localhost']);
  const upstream = new URL(upstreamUrl);
  const accepted =
    'bearerToken' in expected
      ? `Bearer ${expected.bearerToken}`
      : `Basic ${Buffer.from(`${expected.username}:${expected.password}`).toString('base64')}`;
  let refused = 0;
  let forwarded = 0;
  const server: Server = createServer({ cert: leaf.certificate, key: leaf.key }, (incoming, outgoing) => {
    if (incoming.headers.authorization !== accepted) {
      refused += 1;
      outgoing.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="registry"' });
      outgoing.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      return;
    }
    forwarded += 1;
    const headers = { ...incoming.headers, host: upstream.host };
    delete headers.authorization;
    const proxied = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on('error', (error) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(error.message);
    });
    incoming.pipe(proxied);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    caCertificate: authority.certificate,
    refused: () => refused,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
