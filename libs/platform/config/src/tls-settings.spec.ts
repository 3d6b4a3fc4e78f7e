import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, databaseTls, databaseTlsSettings, databaseUrlSetting, loadConfig } from './index';

describe('database TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consign-tls-settings-'));
  const certificateFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'client.key');
  const garbageFile = join(dir, 'garbage.pem');
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
        keyFile,
        '-out',
        certificateFile,
        '-days',
        '1',
        '-subj',
        '/CN=settings test',
      ],
      { stdio: 'pipe' },
    );
    writeFileSync(garbageFile, 'not a key: hunter2\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (env: NodeJS.ProcessEnv) => databaseTls(loadConfig(databaseTlsSettings('GATEWAY_DATABASE', env), env));
  const problems = (env: NodeJS.ProcessEnv): string[] => {
    try {
      load(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('verifies the server fully outside development, and uses no TLS against the local development server', () => {
    expect(load({})).toEqual({ mode: 'verify-full', ca: undefined, cert: undefined, key: undefined });
    expect(load({ NODE_ENV: 'prod' }).mode).toBe('verify-full');
    expect(load({ NODE_ENV: 'development' }).mode).toBe('disable');
  });

  it('reads the CA bundle and the client certificate once, from their files', () => {
    const tls = load({
      GATEWAY_DATABASE_TLS: 'verify-ca',
      GATEWAY_DATABASE_TLS_CA: certificateFile,
      GATEWAY_DATABASE_TLS_CERT: certificateFile,
      GATEWAY_DATABASE_TLS_KEY: keyFile,
    });
    expect(tls).toEqual({
      mode: 'verify-ca',
      ca: readFileSync(certificateFile, 'utf8'),
      cert: readFileSync(certificateFile, 'utf8'),
      key: readFileSync(keyFile, 'utf8'),
    });
  });

  it('refuses a CA under a mode that checks no certificate, rather than leave the operator believing it is checked', () => {
    expect(problems({ GATEWAY_DATABASE_TLS: 'require', GATEWAY_DATABASE_TLS_CA: certificateFile })).toEqual([
      'GATEWAY_DATABASE_TLS_CA: is set, but GATEWAY_DATABASE_TLS is require, which checks no certificate: use verify-full (or verify-ca)',
    ]);
    expect(problems({ NODE_ENV: 'development', GATEWAY_DATABASE_TLS_CA: certificateFile })).toEqual([
      'GATEWAY_DATABASE_TLS_CA: is set, but GATEWAY_DATABASE_TLS is disable, which checks no certificate: use verify-full (or verify-ca)',
    ]);
  });

  it('names each bad variable: an unknown mode, a missing or unreadable file, half a client certificate', () => {
    expect(
      problems({ GATEWAY_DATABASE_TLS: 'prefer', GATEWAY_DATABASE_TLS_CA: join(dir, 'missing.crt'), GATEWAY_DATABASE_TLS_KEY: keyFile }),
    ).toEqual([
      'GATEWAY_DATABASE_TLS: must be one of disable, require, verify-ca, verify-full, got "prefer"',
      `GATEWAY_DATABASE_TLS_CA: cannot read ${join(dir, 'missing.crt')} (ENOENT)`,
      'GATEWAY_DATABASE_TLS_KEY: is set without GATEWAY_DATABASE_TLS_CERT: a client certificate needs both',
    ]);
    expect(problems({ GATEWAY_DATABASE_TLS_CA: keyFile })).toEqual([`GATEWAY_DATABASE_TLS_CA: ${keyFile} holds no PEM certificate`]);
    expect(problems({ NODE_ENV: 'development', GATEWAY_DATABASE_TLS_CERT: certificateFile, GATEWAY_DATABASE_TLS_KEY: keyFile })).toEqual([
      'GATEWAY_DATABASE_TLS_CERT: is set, but GATEWAY_DATABASE_TLS is disable',
      'GATEWAY_DATABASE_TLS_KEY: is set, but GATEWAY_DATABASE_TLS is disable',
    ]);
  });

  it('never quotes a key file it cannot read', () => {
    const reported = problems({ GATEWAY_DATABASE_TLS_CERT: certificateFile, GATEWAY_DATABASE_TLS_KEY: garbageFile });
    expect(reported).toEqual([`GATEWAY_DATABASE_TLS_KEY: ${garbageFile} holds no unencrypted PEM private key`]);
  });

  it('takes each unset variable from the one it inherits from', () => {
    const env = { RECONCILER_DATABASE_TLS: 'verify-ca', RECONCILER_DATABASE_TLS_CA: certificateFile };
    const tls = databaseTls(loadConfig(databaseTlsSettings('OPERATIONS_DATABASE', env, 'RECONCILER_DATABASE'), env));
    expect(tls).toMatchObject({ mode: 'verify-ca', ca: readFileSync(certificateFile, 'utf8') });
    const own = { ...env, OPERATIONS_DATABASE_TLS: 'verify-full' };
    expect(databaseTls(loadConfig(databaseTlsSettings('OPERATIONS_DATABASE', own, 'RECONCILER_DATABASE'), own))).toMatchObject({
      mode: 'verify-full',
      ca: readFileSync(certificateFile, 'utf8'),
    });
  });

  it('refuses TLS parameters in the database URL, which node-postgres would let override these settings', () => {
    const env = {
      NODE_ENV: 'development',
      GATEWAY_DATABASE_URL: 'postgres://gateway:secret@db.example.test/gateway?sslmode=require&sslrootcert=/ca.pem',
    };
    expect(() => loadConfig({ url: databaseUrlSetting('GATEWAY_DATABASE_URL', 'gateway', env) }, env)).toThrow(
      'GATEWAY_DATABASE_URL: sets sslmode, sslrootcert in its query: remove it and set GATEWAY_DATABASE_TLS and GATEWAY_DATABASE_TLS_CA instead',
    );
    const plain = { GATEWAY_DATABASE_URL: 'postgres://gateway@db.example.test/gateway?application_name=x' };
    expect(loadConfig({ url: databaseUrlSetting('GATEWAY_DATABASE_URL', 'gateway', plain) }, plain).url).toBe(plain.GATEWAY_DATABASE_URL);
  });
});
