import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@consign/config';
import { smtpConnection, smtpSettings } from './smtp-settings';

describe('SMTP settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consign-smtp-settings-'));
  const caFile = join(dir, 'ca.crt');
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
        caFile,
        '-days',
        '1',
        '-subj',
        '/CN=smtp settings test',
      ],
      { stdio: 'pipe' },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (env: NodeJS.ProcessEnv) => smtpConnection(loadConfig(smtpSettings(env), env));
  const problems = (env: NodeJS.ProcessEnv): string[] => {
    try {
      load(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('sends to the plain-SMTP development mail sink in development, and requires STARTTLS anywhere else', () => {
    expect(load({ NODE_ENV: 'development' })).toEqual({
      url: 'smtp://127.0.0.1:1025',
      tls: 'none',
      ca: undefined,
      user: undefined,
      password: undefined,
      maxConnections: 5,
      timeoutMs: 10_000,
    });
    expect(load({ SMTP_URL: 'smtp://relay.example.test:587' })).toMatchObject({ tls: 'starttls' });
  });

  it('takes the CA and the credentials from their own variables', () => {
    const env = {
      SMTP_URL: 'smtps://relay.example.test:465',
      SMTP_TLS: 'implicit',
      SMTP_TLS_CA: caFile,
      SMTP_USER: 'mailer',
      SMTP_PASSWORD: 'p@ss:word/1',
    };
    expect(load(env)).toEqual({
      url: 'smtps://relay.example.test:465',
      tls: 'implicit',
      ca: readFileSync(caFile, 'utf8'),
      user: 'mailer',
      password: 'p@ss:word/1',
      maxConnections: 5,
      timeoutMs: 10_000,
    });
  });

  it('keeps up to SMTP_MAX_CONNECTIONS connections to the relay, 5 unless told, and refuses anything but a positive whole number', () => {
    expect(load({ NODE_ENV: 'development', SMTP_MAX_CONNECTIONS: '12' })).toMatchObject({ maxConnections: 12 });
    expect(load({ NODE_ENV: 'development', SMTP_MAX_CONNECTIONS: '' })).toMatchObject({ maxConnections: 5 });
    expect(problems({ NODE_ENV: 'development', SMTP_MAX_CONNECTIONS: '0' })).toEqual(['SMTP_MAX_CONNECTIONS: must be at least 1, got 0']);
    expect(problems({ NODE_ENV: 'development', SMTP_MAX_CONNECTIONS: '-3' })).toEqual(['SMTP_MAX_CONNECTIONS: must be at least 1, got -3']);
    expect(problems({ NODE_ENV: 'development', SMTP_MAX_CONNECTIONS: '2.5' })).toEqual([
      'SMTP_MAX_CONNECTIONS: must be a whole number, got "2.5"',
    ]);
    expect(problems({ NODE_ENV: 'development', SMTP_MAX_CONNECTIONS: 'many' })).toEqual([
      'SMTP_MAX_CONNECTIONS: must be a whole number, got "many"',
    ]);
  });

  it('gives the relay SMTP_TIMEOUT, 10 s unless told, at most 25 s so a stall fails within the consumer session', () => {
    expect(load({ NODE_ENV: 'development' })).toMatchObject({ timeoutMs: 10_000 });
    expect(load({ NODE_ENV: 'development', SMTP_TIMEOUT: '2s' })).toMatchObject({ timeoutMs: 2000 });
    expect(problems({ NODE_ENV: 'development', SMTP_TIMEOUT: '1m' })).toEqual([
      expect.stringMatching(/^SMTP_TIMEOUT: must be more than 0 and at most 25s/),
    ]);
    expect(problems({ NODE_ENV: 'development', SMTP_TIMEOUT: 'soon' })).toEqual([expect.stringMatching(/^SMTP_TIMEOUT: /)]);
  });

  it('refuses credentials in the URL without quoting them, and options after the port', () => {
    const reported = problems({ SMTP_URL: 'smtp://mailer:hunter2@relay.example.test:587' });
    expect(reported).toEqual(['SMTP_URL: must not hold credentials: give them in SMTP_USER and SMTP_PASSWORD']);
    expect(problems({ SMTP_URL: 'smtp://relay.example.test:587?tls.rejectUnauthorized=false' })).toEqual([
      'SMTP_URL: must be smtp://host:port or smtps://host:port, nothing after the port',
    ]);
  });

  it('holds the URL scheme and SMTP_TLS to each other', () => {
    expect(problems({ SMTP_URL: 'smtps://relay.example.test' })).toEqual([
      'SMTP_URL: is smtps:// (TLS from the first byte), but SMTP_TLS is starttls: set SMTP_TLS=implicit',
    ]);
    expect(problems({ SMTP_URL: 'smtp://relay.example.test', SMTP_TLS: 'implicit' })).toEqual([
      'SMTP_URL: is smtp://, but SMTP_TLS is implicit: use smtps://',
    ]);
    expect(problems({ SMTP_URL: 'smtp://relay.example.test', SMTP_TLS: 'opportunistic' })).toEqual([
      'SMTP_TLS: must be one of starttls, implicit, none, got "opportunistic"',
    ]);
  });

  it('refuses credentials, or a CA, without TLS, and half a login, never quoting the password', () => {
    const cleartext = problems({
      SMTP_URL: 'smtp://relay.example.test',
      SMTP_TLS: 'none',
      SMTP_TLS_CA: caFile,
      SMTP_USER: 'mailer',
      SMTP_PASSWORD: 'hunter2',
    });
    expect(cleartext).toEqual([
      'SMTP_TLS_CA: is set, but SMTP_TLS is none',
      'SMTP_USER: is set, but SMTP_TLS is none: the credentials would cross the network in clear text',
    ]);
    expect(problems({ SMTP_URL: 'smtp://relay.example.test', SMTP_PASSWORD: 'hunter2' })).toEqual([
      'SMTP_USER: is required when SMTP_PASSWORD is set',
    ]);
    expect(problems({ SMTP_URL: 'smtp://relay.example.test', SMTP_USER: 'mailer' })).toEqual([
      'SMTP_PASSWORD: is required when SMTP_USER is set',
    ]);
  });
});
