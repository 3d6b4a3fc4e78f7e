import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, kafkaConnection, kafkaConnectionSettings, loadConfig } from './index';

describe('Kafka connection settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consign-kafka-settings-'));
  const certificateFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'client.key');
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
        '/CN=kafka settings test',
      ],
      {
        stdio: 'pipe',
      },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (env: NodeJS.ProcessEnv) => kafkaConnection(loadConfig(kafkaConnectionSettings(env), env));
  const problems = (env: NodeJS.ProcessEnv): string[] => {
    try {
      load(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('reaches the local broker plainly in development, and requires named, verified brokers anywhere else', () => {
    expect(load({ NODE_ENV: 'development' })).toEqual({ brokers: ['127.0.0.1:9092'], tls: { mode: 'disable' }, sasl: null });
    expect(problems({})).toEqual(['KAFKA_BROKERS: is required: a comma-separated list']);
    expect(load({ KAFKA_BROKERS: 'b1:9092, b2:9092' })).toEqual({
      brokers: ['b1:9092', 'b2:9092'],
      tls: { mode: 'verify-full' },
      sasl: null,
    });
  });

  it('signs in with SASL and reads the CA and client certificate files once', () => {
    const env = {
      KAFKA_BROKERS: 'b1:9094',
      KAFKA_TLS_CA: certificateFile,
      KAFKA_TLS_CERT: certificateFile,
      KAFKA_TLS_KEY: keyFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'consign',
      KAFKA_SASL_PASSWORD: 'hunter2',
    };
    expect(load(env)).toEqual({
      brokers: ['b1:9094'],
      tls: {
        mode: 'verify-full',
        ca: readFileSync(certificateFile, 'utf8'),
        cert: readFileSync(certificateFile, 'utf8'),
        key: readFileSync(keyFile, 'utf8'),
      },
      sasl: { mechanism: 'scram-sha-512', username: 'consign', password: 'hunter2' },
    });
  });

  it('refuses SASL PLAIN without TLS, credentials without a mechanism and a mechanism without credentials, never quoting the password', () => {
    expect(
      problems({ NODE_ENV: 'development', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' }),
    ).toEqual(['KAFKA_SASL_MECHANISM: is plain, which sends the password in clear, but KAFKA_TLS is disable: use TLS, or scram-sha-512']);
    expect(problems({ NODE_ENV: 'development', KAFKA_SASL_PASSWORD: 'hunter2' })).toEqual([
      'KAFKA_SASL_PASSWORD: is set, but KAFKA_SASL_MECHANISM is none: set the mechanism the brokers expect',
    ]);
    expect(problems({ NODE_ENV: 'development', KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      'KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM scram-sha-256',
      'KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM scram-sha-256',
    ]);
    expect(problems({ NODE_ENV: 'development', KAFKA_SASL_MECHANISM: 'gssapi' })).toEqual([
      'KAFKA_SASL_MECHANISM: must be one of none, plain, scram-sha-256, scram-sha-512, got "gssapi"',
    ]);
    expect(problems({ KAFKA_BROKERS: 'b:1', KAFKA_TLS: 'disable', KAFKA_TLS_CA: certificateFile })).toEqual([
      'KAFKA_TLS_CA: is set, but KAFKA_TLS is disable, which checks no certificate: use verify-full (or verify-ca)',
    ]);
  });
});
