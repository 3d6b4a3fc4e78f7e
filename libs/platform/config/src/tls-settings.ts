import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { readFileSync } from 'node:fs';
import { isDevelopment } from './deployment-mode';
import { ConfigOf, rawValue, Setting, setting, valueIfValid } from './load-config';
import { oneOf, url } from './settings';

/**
 * How a connection to PostgreSQL is protected, in libpq's sslmode words: `disable` plain TCP;
 * `require` encrypted, the server unchecked; `verify-ca` encrypted, the server's certificate
 * chains to a trusted CA; `verify-full` that, and the certificate names the host connected to.
 */
export const databaseTlsModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type DatabaseTlsMode = (typeof databaseTlsModes)[number];

export interface DatabaseTls {
  mode: DatabaseTlsMode;
  /** PEM CA certificates the server's certificate must chain to; unset: Node's bundled root CAs. */
  ca?: string;
  /** A client certificate and its private key (PEM), for a server that authenticates clients by certificate. */
  cert?: string;
  key?: string;
}

/**
 * `<prefix>_TLS`, `<prefix>_TLS_CA`, `<prefix>_TLS_CERT`, `<prefix>_TLS_KEY` for the database of
 * `<prefix>_URL`, such as `GATEWAY_DATABASE_TLS` beside `GATEWAY_DATABASE_URL`. Development's
 * PostgreSQL is on this host and need not serve TLS; anywhere else the server must prove who it
 * is. The files are read once, here. With `inheritFrom`, each unset variable takes
 * `<inheritFrom>_<suffix>`'s value.
 */
export function databaseTlsSettings(prefix: string, env: NodeJS.ProcessEnv, inheritFrom?: string) {
  const name = (suffix: string): string => `${prefix}_${suffix}`;
  const rawOf = (suffix: string, raw: string | undefined): string | undefined =>
    raw ?? (inheritFrom === undefined ? undefined : rawValue(env, `${inheritFrom}_${suffix}`));
  const modes = oneOf(name('TLS'), databaseTlsModes, isDevelopment(env) ? 'disable' : 'verify-full');
  const mode = setting(name('TLS'), (raw) => modes.parse(rawOf('TLS', raw)));
  // The files are checked against the mode they serve; an invalid mode is reported by its own variable.
  const configuredMode = (): DatabaseTlsMode | undefined => valueIfValid(() => mode.parse(rawValue(env, name('TLS'))));
  const clientFile = (
    suffix: 'TLS_CERT' | 'TLS_KEY',
    other: 'TLS_CERT' | 'TLS_KEY',
    read: (path: string) => string,
  ): Setting<string | undefined> =>
    setting(name(suffix), (raw) => {
      const path = rawOf(suffix, raw);
      if (path === undefined) return undefined;
      if (configuredMode() === 'disable') throw new Error(`is set, but ${name('TLS')} is disable`);
      if (rawOf(other, rawValue(env, name(other))) === undefined)
        throw new Error(`is set without ${name(other)}: a client certificate needs both`);
      return read(path);
    });
  return {
    databaseTlsMode: mode,
    databaseTlsCa: setting(name('TLS_CA'), (raw) => {
      const path = rawOf('TLS_CA', raw);
      if (path === undefined) return undefined;
      const current = configuredMode();
      // libpq quietly verifies against a CA under `require`; here the mode alone says what is checked.
      if (current === 'disable' || current === 'require')
        throw new Error(`is set, but ${name('TLS')} is ${current}, which checks no certificate: use verify-full (or verify-ca)`);
      return readCertificateFile(path);
    }),
    databaseTlsCert: clientFile('TLS_CERT', 'TLS_KEY', readCertificateFile),
    databaseTlsKey: clientFile('TLS_KEY', 'TLS_CERT', readPrivateKeyFile),
  };
}

export type DatabaseTlsConfig = ConfigOf<ReturnType<typeof databaseTlsSettings>>;

/** The loaded `databaseTlsSettings` as one value, for createServiceDataSource. */
export function databaseTls(config: DatabaseTlsConfig): DatabaseTls {
  return { mode: config.databaseTlsMode, ca: config.databaseTlsCa, cert: config.databaseTlsCert, key: config.databaseTlsKey };
}

/** Node's TLS options for a mode (false: plain TCP), for PostgreSQL and Kafka clients alike. */
export type TlsConnectionOptions = false | Pick<ConnectionOptions, 'rejectUnauthorized' | 'ca' | 'cert' | 'key' | 'checkServerIdentity'>;

export function tlsConnectionOptions(tls: DatabaseTls): TlsConnectionOptions {
  if (tls.mode === 'disable') return false;
  const clientCertificate = tls.cert !== undefined && tls.key !== undefined ? { cert: tls.cert, key: tls.key } : {};
  if (tls.mode === 'require') return { rejectUnauthorized: false, ...clientCertificate };
  return {
    rejectUnauthorized: true,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    // verify-ca trusts any certificate of the CA whatever host it names: the name check is skipped.
    ...(tls.mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    ...clientCertificate,
  };
}

/**
 * A `postgres://` or `postgresql://` URL without TLS parameters. node-postgres lets the URL's
 * `sslmode`, `sslrootcert` and the like override the TLS options it is given, so TLS is set by
 * `<prefix>_TLS*` only and a URL carrying them is refused rather than half obeyed.
 */
export function postgresUrl(variable: string, fallback?: string): Setting<string> {
  const parsed = url(variable, fallback, ['postgres', 'postgresql']);
  const tlsVariable = variable.replace(/_URL$/, '_TLS');
  return setting(variable, (raw) => {
    const value = parsed.parse(raw);
    const tlsParameters = [...new URL(value).searchParams.keys()].filter(
      (parameter) => parameter.startsWith('ssl') || parameter === 'uselibpqcompat',
    );
    if (tlsParameters.length > 0)
      throw new Error(`sets ${tlsParameters.join(', ')} in its query: remove it and set ${tlsVariable} and ${tlsVariable}_CA instead`);
    return value;
  });
}

/** The PEM certificates in the file at `path`, each checked to parse. */
export function readCertificateFile(path: string): string {
  const pem = readPemFile(path);
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw new Error(`${path} holds no PEM certificate`);
  for (const certificate of certificates) {
    try {
      new X509Certificate(certificate);
    } catch {
      throw new Error(`${path} holds a PEM certificate that cannot be read`);
    }
  }
  return pem;
}

/** The unencrypted PEM private key in the file at `path`; the message never quotes the file. */
export function readPrivateKeyFile(path: string): string {
  const pem = readPemFile(path);
  try {
    createPrivateKey(pem);
  } catch {
    throw new Error(`${path} holds no unencrypted PEM private key`);
  }
  return pem;
}

function readPemFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
