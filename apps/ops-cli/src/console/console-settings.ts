import {
  ConfigError,
  ConfigOf,
  durationMs,
  host,
  isDevelopment,
  loadConfig,
  oneOf,
  port,
  readCertificateFile,
  readPrivateKeyFile,
  setting,
} from '@consign/config';
import { ApiKeyring, apiKeysSetting } from '@consign/service-runtime';

/**
 * How the console's browser connection is protected: `on`, TLS here with CONSOLE_TLS_CERT and
 * CONSOLE_TLS_KEY; `proxy`, TLS ends at a reverse proxy in front of the console; `off`, plain
 * HTTP, for development only. The session cookie is Secure unless `off`.
 */
export const consoleTlsModes = ['on', 'proxy', 'off'] as const;
export type ConsoleTlsMode = (typeof consoleTlsModes)[number];

/** Apart from loading, so that console-settings-reference.spec.ts can hold docs/configuration.md to it. */
export function consoleSettingSpec(env: NodeJS.ProcessEnv) {
  const development = isDevelopment(env);
  return {
    port: port('CONSOLE_PORT', 3007),
    // Loopback unless named: an operator's console is reached through a proxy or a tunnel.
    host: host('CONSOLE_HOST', '127.0.0.1'),
    apiKeys: apiKeysSetting(env),
    tls: setting('CONSOLE_TLS', (raw) => {
      const mode = oneOf('CONSOLE_TLS', consoleTlsModes, development ? 'off' : 'on').parse(raw);
      if (mode === 'off' && !development)
        throw new Error(
          'off is for development only (NODE_ENV=development): the browser would send operator keys and session cookies in clear; use on, or proxy behind a TLS proxy',
        );
      return mode;
    }),
    certificate: setting('CONSOLE_TLS_CERT', (raw) => (raw === undefined ? undefined : readCertificateFile(raw))),
    privateKey: setting('CONSOLE_TLS_KEY', (raw) => (raw === undefined ? undefined : readPrivateKeyFile(raw))),
    sessionIdleMs: durationMs('CONSOLE_SESSION_IDLE', '30m'),
  };
}

export interface ConsoleSettings {
  port: number;
  host: string;
  apiKeys: ApiKeyring;
  tls: ConsoleTlsMode;
  /** PEM certificate chain and key, with `tls: on`. */
  certificate?: string;
  privateKey?: string;
  sessionIdleMs: number;
}

export function loadConsoleSettings(env: NodeJS.ProcessEnv): ConsoleSettings {
  const config: ConfigOf<ReturnType<typeof consoleSettingSpec>> = loadConfig(consoleSettingSpec(env), env);
  const problems: string[] = [];
  if (config.tls === 'on' && (config.certificate === undefined || config.privateKey === undefined)) {
    problems.push(
      `CONSOLE_TLS_CERT and CONSOLE_TLS_KEY: both are required with CONSOLE_TLS=on${env.CONSOLE_TLS === undefined ? ' (the default outside development; CONSOLE_TLS=proxy behind a TLS proxy)' : ''}`,
    );
  }
  if (config.tls !== 'on' && (config.certificate !== undefined || config.privateKey !== undefined))
    problems.push(`CONSOLE_TLS_CERT and CONSOLE_TLS_KEY: given, but CONSOLE_TLS is ${config.tls}`);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
