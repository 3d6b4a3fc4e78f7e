// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePaths, resolveSettings } from './config';
import { ensureBrokerCertificates, kafkaStartSpec, serverProperties } from './kafka';

describe('local Kafka broker settings', () => {
  it("keeps the log cleaner's dedupe buffer small beside the 512 MiB heap (the default 128 MiB kept G1 marking after every young collection)", () => {
    const line = serverProperties(resolvePaths(), resolveSettings({}))
      .split('\n')
      .find((candidate) => candidate.startsWith('log.cleaner.dedupe.buffer.size='));
    const bytes = Number(line?.split('=')[1]);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('promotes what survives one young collection, instead of copying it at every one until it is 15 collections old', () => {
    expect(kafkaStartSpec(resolvePaths()).args).toContain('-XX:MaxTenuringThreshold=1');
  });
});

describe("the local broker's SASL_SSL listener", () => {
  it('listens with TLS and SCRAM beside the plain listener, on the port KAFKA_SASL_SSL_PORT names', () => {
    const properties = serverProperties(resolvePaths(), resolveSettings({ KAFKA_SASL_SSL_PORT: '19094' }));
    expect(properties).toContain('listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_SSL://127.0.0.1:19094\n');
    expect(properties).toContain('listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL\n');
    expect(properties).toContain('sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256\n');
  });

  it('gets a PEM keystore whose certificate names 127.0.0.1 and chains to the CA clients are given, made once', () => {
    const home = mkdtempSync(join(tmpdir(), 'consign-kafka-tls-'));
    try {
      const paths = { ...resolvePaths(), kafkaTlsDir: join(home, 'tls') };
      ensureBrokerCertificates(paths);
      const keystore = readFileSync(join(paths.kafkaTlsDir, 'broker-keystore.pem'), 'utf8');
      expect(keystore.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
      const [brokerPem] = keystore.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/) ?? [];
      const broker = new X509Certificate(brokerPem ?? '');
      const authority = new X509Certificate(readFileSync(join(paths.kafkaTlsDir, 'ca.pem')));
      expect(broker.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(broker.verify(authority.publicKey)).toBe(true);
      ensureBrokerCertificates(paths);
      expect(readFileSync(join(paths.kafkaTlsDir, 'broker-keystore.pem'), 'utf8')).toBe(keystore);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
