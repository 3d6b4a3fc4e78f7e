import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, platformConnectionSettings, registryConnection, registryConnectionSettings } from './index';

describe('schema registry connection settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consign-registry-settings-'));
  const certificateFile = join(dir, 'ca.crt');
  beforeAll(() => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'ca.key'),
        '-out',
        certificateFile,
        '-days',
        '1',
        '-subj',
        '/CN=registry settings test',
      ],
      {
        stdio: 'pipe',
      },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const local = 'http://127.0.0.1:8080/apis/ccompat/v7';
  const load = (env: NodeJS.ProcessEnv, fallback?: string) =>
    registryConnection(loadConfig(registryConnectionSettings(env, fallback), env));
  const problems = (env: NodeJS.ProcessEnv, fallback?: string): string[] => {
    try {
      load(env, fallback);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('reaches the local registry plainly in development, and requires a verified https registry anywhere else', () => {
    expect(load({ NODE_ENV: 'development' }, local)).toEqual({ url: local, tls: { mode: 'disable' }, auth: null });
    expect(problems({})).toEqual(['SCHEMA_REGISTRY_URL: is required but not set']);
    expect(load({ SCHEMA_REGISTRY_URL: 'https://registry.example.com' })).toEqual({
      url: 'https://registry.example.com',
      tls: { mode: 'verify-full' },
      auth: null,
    });
    expect(problems({ SCHEMA_REGISTRY_URL: 'http://registry.internal:8081' })[0]).toMatch(
      /^SCHEMA_REGISTRY_URL: is http, but SCHEMA_REGISTRY_TLS is verify-full/,
    );
    expect(load({ SCHEMA_REGISTRY_URL: 'http://registry.internal:8081', SCHEMA_REGISTRY_TLS: 'disable' }).tls).toEqual({ mode: 'disable' });
    // A development setup pointed at an https registry checks it.
    expect(load({ NODE_ENV: 'development', SCHEMA_REGISTRY_URL: 'https://registry.example.com' }).tls.mode).toBe('verify-full');
  });

  it('signs in with HTTP basic or a bearer token, with the CA read once', () => {
    const basic = load({
      SCHEMA_REGISTRY_URL: 'https://psrc-1.example.cloud',
      SCHEMA_REGISTRY_USERNAME: 'key',
      SCHEMA_REGISTRY_PASSWORD: 'secret',
      SCHEMA_REGISTRY_TLS_CA: certificateFile,
    });
    expect(basic.auth).toEqual({ kind: 'basic', username: 'key', password: 'secret' });
    expect(basic.tls).toEqual({ mode: 'verify-full', ca: readFileSync(certificateFile, 'utf8'), cert: undefined, key: undefined });
    expect(load({ SCHEMA_REGISTRY_URL: 'https://registry.example.com', SCHEMA_REGISTRY_BEARER_TOKEN: 'token' }).auth).toEqual({
      kind: 'bearer',
      token: 'token',
    });
  });

  it('refuses credentials in the URL without repeating them, half a basic pair, two kinds at once, and credentials in clear', () => {
    const inUrl = problems({ SCHEMA_REGISTRY_URL: 'https://key:hunter2@registry.example.com' });
    expect(inUrl).toEqual([expect.stringMatching(/^SCHEMA_REGISTRY_URL: holds credentials: remove them and set SCHEMA_REGISTRY_USERNAME/)]);
    expect(inUrl.join()).not.toContain('hunter2');
    expect(problems({ SCHEMA_REGISTRY_URL: 'https://r.example.com', SCHEMA_REGISTRY_USERNAME: 'key' })).toEqual([
      'SCHEMA_REGISTRY_PASSWORD: is required with SCHEMA_REGISTRY_USERNAME',
    ]);
    expect(
      problems({
        SCHEMA_REGISTRY_URL: 'https://r.example.com',
        SCHEMA_REGISTRY_USERNAME: 'key',
        SCHEMA_REGISTRY_PASSWORD: 'secret',
        SCHEMA_REGISTRY_BEARER_TOKEN: 'token',
      }),
    ).toEqual(['SCHEMA_REGISTRY_BEARER_TOKEN: is set together with SCHEMA_REGISTRY_USERNAME: choose basic or bearer authentication']);
    expect(
      problems({ SCHEMA_REGISTRY_URL: 'http://r.internal', SCHEMA_REGISTRY_TLS: 'disable', SCHEMA_REGISTRY_BEARER_TOKEN: 'token' }),
    ).toEqual(['SCHEMA_REGISTRY_BEARER_TOKEN: is set, but SCHEMA_REGISTRY_TLS is disable: credentials would cross the network in clear']);
  });

  it('provisions at start in development only, unless told otherwise', () => {
    const switches = (env: NodeJS.ProcessEnv) => {
      const { createTopics, registerSchemas } = loadConfig(platformConnectionSettings(env), env);
      return { createTopics, registerSchemas };
    };
    expect(switches({ NODE_ENV: 'development' })).toEqual({ createTopics: true, registerSchemas: true });
    expect(switches({ KAFKA_BROKERS: 'b:9094', SCHEMA_REGISTRY_URL: 'https://r.example.com' })).toEqual({
      createTopics: false,
      registerSchemas: false,
    });
    expect(switches({ NODE_ENV: 'development', KAFKA_CREATE_TOPICS: 'false', SCHEMA_REGISTRY_REGISTER_SCHEMAS: 'false' })).toEqual({
      createTopics: false,
      registerSchemas: false,
    });
    expect(() => switches({ NODE_ENV: 'development', KAFKA_CREATE_TOPICS: 'yes' })).toThrow(
      /KAFKA_CREATE_TOPICS: must be true or false, got "yes"/,
    );
  });
});
