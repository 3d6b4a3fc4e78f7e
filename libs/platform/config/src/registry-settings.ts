import { isDevelopment } from './deployment-mode';
import { ConfigOf, rawValue, setting, valueIfValid } from './load-config';
import { url } from './settings';
import { DatabaseTls, databaseTlsSettings, DatabaseTlsMode } from './tls-settings';

/** How a client proves who it is to the schema registry: nothing, HTTP basic (Confluent Cloud's API key and secret), or a bearer token. */
export type RegistryAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string } | null;

/** Everything a client of the platform needs to reach and sign in to the schema registry. */
export interface RegistryConnection {
  url: string;
  /** Applies to an `https` URL: as for Kafka and PostgreSQL, `require`, `verify-ca` or `verify-full`, with an optional CA and client certificate. */
  tls: DatabaseTls;
  auth: RegistryAuth;
}

/**
 * SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_TLS (with _TLS_CA, _TLS_CERT, _TLS_KEY) and either
 * SCHEMA_REGISTRY_USERNAME with SCHEMA_REGISTRY_PASSWORD (basic) or SCHEMA_REGISTRY_BEARER_TOKEN.
 * Outside development the registry must be https and prove who it is (verify-full); `disable`
 * allows http. Credentials in the URL are refused, as they would end up in logs and error
 * messages, and so are credentials over plain http.
 */
export function registryConnectionSettings(env: NodeJS.ProcessEnv, urlFallback: string | undefined) {
  const urlSetting = url('SCHEMA_REGISTRY_URL', urlFallback, ['http', 'https']);
  const rawUrl = () => valueIfValid(() => urlSetting.parse(rawValue(env, 'SCHEMA_REGISTRY_URL')));
  // Development follows the URL's scheme; anywhere else an unset mode means verify-full.
  const developmentHttps = isDevelopment(env) && rawValue(env, 'SCHEMA_REGISTRY_TLS') === undefined && rawUrl()?.startsWith('https:');
  const tls = databaseTlsSettings('SCHEMA_REGISTRY', developmentHttps ? { ...env, SCHEMA_REGISTRY_TLS: 'verify-full' } : env);
  const mode = (): DatabaseTlsMode | undefined =>
    valueIfValid(() => tls.databaseTlsMode.parse(developmentHttps ? 'verify-full' : rawValue(env, 'SCHEMA_REGISTRY_TLS')));
  const credential = (variable: string, partner?: string) =>
    setting(variable, (raw) => {
      if (raw === undefined) {
        if (partner !== undefined && rawValue(env, partner) !== undefined) throw new Error(`is required with ${partner}`);
        return undefined;
      }
      if (mode() === 'disable') throw new Error('is set, but SCHEMA_REGISTRY_TLS is disable: credentials would cross the network in clear');
      return raw;
    });
  return {
    schemaRegistryUrl: setting('SCHEMA_REGISTRY_URL', (raw) => {
      const value = urlSetting.parse(raw);
      const parsed = new URL(value);
      if (parsed.username !== '' || parsed.password !== '') {
        throw new Error(
          'holds credentials: remove them and set SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (or SCHEMA_REGISTRY_BEARER_TOKEN)',
        );
      }
      const current = mode();
      if (current === 'disable' && parsed.protocol === 'https:')
        throw new Error('is https, but SCHEMA_REGISTRY_TLS is disable: remove SCHEMA_REGISTRY_TLS or use http');
      if (current !== undefined && current !== 'disable' && parsed.protocol === 'http:') {
        throw new Error(
          `is http, but SCHEMA_REGISTRY_TLS is ${current}: use the registry's https address (or set SCHEMA_REGISTRY_TLS=disable for a registry on a trusted network)`,
        );
      }
      return value;
    }),
    schemaRegistryTlsMode: setting('SCHEMA_REGISTRY_TLS', (raw) => tls.databaseTlsMode.parse(developmentHttps ? 'verify-full' : raw)),
    schemaRegistryTlsCa: tls.databaseTlsCa,
    schemaRegistryTlsCert: tls.databaseTlsCert,
    schemaRegistryTlsKey: tls.databaseTlsKey,
    schemaRegistryUsername: credential('SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD'),
    schemaRegistryPassword: credential('SCHEMA_REGISTRY_PASSWORD', 'SCHEMA_REGISTRY_USERNAME'),
    schemaRegistryBearerToken: setting('SCHEMA_REGISTRY_BEARER_TOKEN', (raw) => {
      const value = credential('SCHEMA_REGISTRY_BEARER_TOKEN').parse(raw);
      if (value !== undefined && rawValue(env, 'SCHEMA_REGISTRY_USERNAME') !== undefined)
        throw new Error('is set together with SCHEMA_REGISTRY_USERNAME: choose basic or bearer authentication');
      return value;
    }),
  };
}

export type RegistryConnectionConfig = ConfigOf<ReturnType<typeof registryConnectionSettings>>;

/** The loaded `registryConnectionSettings` as one value, for EventCodec. */
export function registryConnection(config: RegistryConnectionConfig): RegistryConnection {
  const { schemaRegistryUsername: username, schemaRegistryPassword: password, schemaRegistryBearerToken: token } = config;
  return {
    url: config.schemaRegistryUrl,
    tls: {
      mode: config.schemaRegistryTlsMode,
      ca: config.schemaRegistryTlsCa,
      cert: config.schemaRegistryTlsCert,
      key: config.schemaRegistryTlsKey,
    },
    auth:
      token !== undefined
        ? { kind: 'bearer', token }
        : username !== undefined && password !== undefined
          ? { kind: 'basic', username, password }
          : null,
  };
}
