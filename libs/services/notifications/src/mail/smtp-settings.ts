import {
  ConfigOf,
  developmentDefault,
  durationMs,
  integer,
  isDevelopment,
  oneOf,
  rawValue,
  readCertificateFile,
  setting,
  url,
} from '@consign/config';

/**
 * How the connection to the relay is protected: `starttls` plain SMTP upgraded with STARTTLS
 * before anything else is sent, refused when the relay does not offer it (submission, port 587);
 * `implicit` TLS from the first byte (`smtps://`, port 465); `none` no TLS at all, even when
 * offered. There is no "STARTTLS when offered": whoever can remove the offer would choose clear text.
 */
export const smtpTlsModes = ['starttls', 'implicit', 'none'] as const;
export type SmtpTlsMode = (typeof smtpTlsModes)[number];

/** Where and how notification-service sends, from its settings. */
export interface SmtpConnection {
  /** smtp://host:port or smtps://host:port, without credentials. */
  url: string;
  tls: SmtpTlsMode;
  /** PEM CA certificates the relay's certificate must chain to; unset: Node's bundled root CAs. */
  ca?: string;
  /** Both or neither: the relay's AUTH login. */
  user?: string;
  password?: string;
  /** Most connections open to the relay at once, i.e. emails in flight (default 5). */
  maxConnections?: number;
  /** How long the relay may take to connect, greet, or answer any command (default 10 s). */
  timeoutMs?: number;
}

/** The local mail sink `npm run infra:up` starts; it speaks plain SMTP on this host only. */
const developmentMailSink = 'smtp://127.0.0.1:1025';

/**
 * SMTP_URL, SMTP_TLS, SMTP_TLS_CA, SMTP_USER, SMTP_PASSWORD, SMTP_MAX_CONNECTIONS and SMTP_TIMEOUT. The relay's certificate is always
 * verified when TLS is used: a relay with a private CA is trusted through SMTP_TLS_CA, never by
 * turning verification off. Credentials have their own variables, so that no URL holds a secret.
 */
export function smtpSettings(env: NodeJS.ProcessEnv) {
  const tls = oneOf('SMTP_TLS', smtpTlsModes, isDevelopment(env) ? 'none' : 'starttls');
  // The other settings are checked against the mode; an invalid mode is reported by SMTP_TLS itself.
  const configuredTls = (): SmtpTlsMode | undefined => {
    try {
      return tls.parse(rawValue(env, 'SMTP_TLS'));
    } catch {
      return undefined;
    }
  };
  const smtpUrl = url('SMTP_URL', developmentDefault(env, developmentMailSink), ['smtp', 'smtps']);
  return {
    smtpUrl: setting('SMTP_URL', (raw) => {
      const given = smtpUrl.parse(raw);
      const value = new URL(given);
      if (value.username !== '' || value.password !== '')
        throw new Error('must not hold credentials: give them in SMTP_USER and SMTP_PASSWORD');
      if (value.search !== '' || value.hash !== '' || !['', '/'].includes(value.pathname))
        throw new Error('must be smtp://host:port or smtps://host:port, nothing after the port');
      const mode = configuredTls();
      if (value.protocol === 'smtps:' && mode !== undefined && mode !== 'implicit')
        throw new Error(`is smtps:// (TLS from the first byte), but SMTP_TLS is ${mode}: set SMTP_TLS=implicit`);
      if (value.protocol === 'smtp:' && mode === 'implicit') throw new Error('is smtp://, but SMTP_TLS is implicit: use smtps://');
      return given;
    }),
    smtpTls: tls,
    smtpTlsCa: setting('SMTP_TLS_CA', (raw) => {
      if (raw === undefined) return undefined;
      if (configuredTls() === 'none') throw new Error('is set, but SMTP_TLS is none');
      return readCertificateFile(raw);
    }),
    smtpUser: setting('SMTP_USER', (raw) => {
      if (raw === undefined) {
        if (rawValue(env, 'SMTP_PASSWORD') !== undefined) throw new Error('is required when SMTP_PASSWORD is set');
        return undefined;
      }
      if (configuredTls() === 'none')
        throw new Error('is set, but SMTP_TLS is none: the credentials would cross the network in clear text');
      return raw;
    }),
    smtpPassword: setting('SMTP_PASSWORD', (raw) => {
      if (raw === undefined && rawValue(env, 'SMTP_USER') !== undefined) throw new Error('is required when SMTP_USER is set');
      return raw;
    }),
    // Connections are kept open and reused; this bounds them, and with them the emails in flight.
    smtpMaxConnections: integer('SMTP_MAX_CONNECTIONS', 5, { min: 1 }),
    // A stalled relay fails the send (recorded, retried) well within Kafka's session timeout (30 s),
    // instead of holding the partition until the operating system gives up on the socket.
    smtpTimeoutMs: setting('SMTP_TIMEOUT', (raw) => {
      const timeoutMs = durationMs('SMTP_TIMEOUT', '10s').parse(raw);
      if (timeoutMs <= 0 || timeoutMs > 25_000)
        throw new Error('must be more than 0 and at most 25s, so a stalled relay fails a send within the consumer session timeout');
      return timeoutMs;
    }),
  };
}

export type SmtpConfig = ConfigOf<ReturnType<typeof smtpSettings>>;

/** The loaded `smtpSettings` as one value, for createSmtpMailer. */
export function smtpConnection(config: SmtpConfig): SmtpConnection {
  return {
    url: config.smtpUrl,
    tls: config.smtpTls,
    ca: config.smtpTlsCa,
    user: config.smtpUser,
    password: config.smtpPassword,
    maxConnections: config.smtpMaxConnections,
    timeoutMs: config.smtpTimeoutMs,
  };
}
