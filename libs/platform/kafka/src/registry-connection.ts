import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { RegistryConnection, tlsConnectionOptions } from '@consign/config';

/** An unauthenticated registry at `url` (development, tests, tools): https checks the server as Node does by default. */
export function plainRegistryConnection(url: string): RegistryConnection {
  return { url, tls: { mode: url.startsWith('https:') ? 'verify-full' : 'disable' }, auth: null };
}

/** The HTTP agent every request to the registry goes through: its TLS settings, and kept-alive sockets. */
export function registryAgent(connection: RegistryConnection): HttpAgent {
  const tls = tlsConnectionOptions(connection.tls);
  if (!connection.url.startsWith('https:')) return new HttpAgent({ keepAlive: true });
  return new HttpsAgent({ keepAlive: true, ...(tls === false ? {} : tls) });
}

/** The Authorization header for the registry, or none; never logged. */
export function registryAuthorization(connection: RegistryConnection): string | undefined {
  const { auth } = connection;
  if (auth === null) return undefined;
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}
