import { Client } from 'pg';
import type { DatabaseTls } from '@consign/config';
import { createTestCertificateAuthority, PrivatePostgres, startPrivatePostgres } from '@consign/test-support';
import { createServiceDataSource, isDatabaseOutage, postgresSsl } from '@consign/database';

/**
 * A private PostgreSQL with `ssl=on` that lets in TLS connections only, its certificate signed by a
 * throwaway CA for the address 127.0.0.1 only; `consign_client` signs in with a client certificate.
 */
describe('service database over TLS (a private PostgreSQL that requires it)', () => {
  const authority = createTestCertificateAuthority('consign test CA');
  const otherAuthority = createTestCertificateAuthority('some other CA');
  const clientCertificate = authority.issue('consign_client');
  let postgres: PrivatePostgres;
  const urlAt = (host: string, user = 'postgres'): string => `postgres://${user}@${host}:${postgres.port}/postgres`;

  beforeAll(async () => {
    postgres = await startPrivatePostgres({
      tls: {
        ...authority.issue('postgres server', ['127.0.0.1']),
        required: true,
        clientCertificates: { ca: authority.certificate, users: ['consign_client'] },
      },
    });
    const admin = new Client({
      connectionString: urlAt('127.0.0.1'),
      ssl: postgresSsl({ mode: 'verify-full', ca: authority.certificate }),
    });
    await admin.connect();
    await admin.query('CREATE ROLE consign_client LOGIN');
    await admin.end();
  });

  afterAll(() => postgres?.destroy());

  /** Whether the session the data source opened is encrypted, as the server sees it. */
  async function sessionEncrypted(url: string, tls: DatabaseTls): Promise<boolean> {
    const dataSource = createServiceDataSource({ url, tls, migrations: [], applicationName: 'database-tls-test', poolSize: 1 });
    await dataSource.initialize();
    try {
      const [{ ssl }] = await dataSource.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return ssl;
    } finally {
      await dataSource.destroy();
    }
  }

  async function refusal(url: string, tls: DatabaseTls): Promise<Error & { code?: string }> {
    const dataSource = createServiceDataSource({ url, tls, migrations: [], applicationName: 'database-tls-test', poolSize: 1 });
    const outcome = await dataSource.initialize().then(
      () => undefined,
      (error: Error) => error,
    );
    if (dataSource.isInitialized) await dataSource.destroy();
    if (outcome === undefined) throw new Error(`expected ${tls.mode} to ${url} to be refused, but it connected`);
    return outcome;
  }

  it('verify-full with the CA that signed the server: connects, and the session is encrypted', async () => {
    expect(await sessionEncrypted(urlAt('127.0.0.1'), { mode: 'verify-full', ca: authority.certificate })).toBe(true);
  });

  it('verify-full with another CA, or with only the built-in root CAs: refused, and a consumer would wait rather than blame the event', async () => {
    const otherCa = await refusal(urlAt('127.0.0.1'), { mode: 'verify-full', ca: otherAuthority.certificate });
    expect(otherCa.message).toBe('self-signed certificate in certificate chain');
    expect(isDatabaseOutage(otherCa)).toBe(true);
    expect((await refusal(urlAt('127.0.0.1'), { mode: 'verify-full' })).message).toBe('self-signed certificate in certificate chain');
  });

  it('verify-full to a host the certificate does not name: refused; verify-ca, which checks the CA only, connects', async () => {
    // `localhost` is 127.0.0.1 here, but the certificate names the address, not the name.
    const mismatch = await refusal(urlAt('localhost'), { mode: 'verify-full', ca: authority.certificate });
    expect(mismatch.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(isDatabaseOutage(mismatch)).toBe(true);
    expect(await sessionEncrypted(urlAt('localhost'), { mode: 'verify-ca', ca: authority.certificate })).toBe(true);
    expect((await refusal(urlAt('localhost'), { mode: 'verify-ca', ca: otherAuthority.certificate })).message).toBe(
      'self-signed certificate in certificate chain',
    );
  });

  it('require: encrypted without checking the certificate, so no CA is needed', async () => {
    expect(await sessionEncrypted(urlAt('localhost'), { mode: 'require' })).toBe(true);
  });

  it('disable, to a server that lets in TLS connections only: refused by the server', async () => {
    expect((await refusal(urlAt('127.0.0.1'), { mode: 'disable' })).message).toMatch(/no pg_hba\.conf entry .*no encryption/);
  });

  it('presents the client certificate to a server that signs its user in by certificate', async () => {
    const asClient = urlAt('127.0.0.1', 'consign_client');
    expect(
      await sessionEncrypted(asClient, {
        mode: 'verify-full',
        ca: authority.certificate,
        cert: clientCertificate.certificate,
        key: clientCertificate.key,
      }),
    ).toBe(true);
    expect((await refusal(asClient, { mode: 'verify-full', ca: authority.certificate })).message).toBe(
      'connection requires a valid client certificate',
    );
  });
});
