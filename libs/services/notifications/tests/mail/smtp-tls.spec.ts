import { Writable } from 'node:stream';
import { loadConfig } from '@consign/config';
import { createLogger } from '@consign/service-runtime';
import { createTestCertificateAuthority } from '@consign/test-support';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay';
import { createSmtpMailer, smtpSettings, type SmtpConnection } from '@consign/notifications';

/** Real SMTP relays on loopback, their certificates signed by a throwaway CA for 127.0.0.1 only. */
describe('SMTP over TLS (real relays)', () => {
  const authority = createTestCertificateAuthority('consign test CA');
  const otherAuthority = createTestCertificateAuthority('some other CA');
  const relayCertificate = authority.issue('relay', ['127.0.0.1']);
  const credentials = { user: 'notification-service', password: 'relay-password-7f3a' };
  const relays: SmtpRelay[] = [];
  let starttls: SmtpRelay;

  const relay = async (options: Parameters<typeof startSmtpRelay>[0]): Promise<SmtpRelay> => {
    const started = await startSmtpRelay(options);
    relays.push(started);
    return started;
  };

  beforeAll(async () => {
    starttls = await relay({ tls: relayCertificate, credentials });
  });

  afterAll(async () => {
    await Promise.all(relays.map((started) => started.stop()));
  });

  async function send(connection: SmtpConnection): Promise<Error | undefined> {
    const mailer = createSmtpMailer(connection);
    try {
      await mailer.sendMail({ from: 'no-reply@consign.test', to: 'consignor@example.com', subject: 'Your item sold', text: 'Hello' });
      return undefined;
    } catch (error) {
      return error as Error;
    } finally {
      mailer.close();
    }
  }

  it('starttls with the CA that signed the relay: signs in with the credentials over TLS, and the mail is delivered', async () => {
    const before = starttls.received.length;
    expect(await send({ url: starttls.url, tls: 'starttls', ca: authority.certificate, ...credentials })).toBeUndefined();
    expect(starttls.received.slice(before)).toEqual([
      expect.objectContaining({ to: ['consignor@example.com'], secure: true, user: credentials.user }),
    ]);
    expect(starttls.logins.at(-1)).toEqual(credentials);
  });

  it('starttls with another CA, or with only the built-in root CAs: refused before any credential or mail is sent', async () => {
    const logins = starttls.logins.length;
    const received = starttls.received.length;
    for (const ca of [otherAuthority.certificate, undefined]) {
      const failure = await send({ url: starttls.url, tls: 'starttls', ca, ...credentials });
      expect(failure?.message).toMatch(/unable to verify the first certificate/);
      expect(failure?.message).not.toContain(credentials.password);
    }
    expect(starttls.logins).toHaveLength(logins);
    expect(starttls.received).toHaveLength(received);
  });

  it('starttls to a name the certificate does not hold: refused', async () => {
    const failure = await send({
      url: starttls.url.replace('127.0.0.1', 'localhost'),
      tls: 'starttls',
      ca: authority.certificate,
      ...credentials,
    });
    expect(failure?.message).toMatch(/Hostname\/IP does not match certificate's altnames/);
  });

  it('starttls to a relay that offers no STARTTLS: refused, nothing sent in clear text', async () => {
    const plain = await relay({ credentials });
    const failure = await send({ url: plain.url, tls: 'starttls', ca: authority.certificate, ...credentials });
    expect((failure as Error & { code?: string }).code).toBe('ETLS');
    expect(plain.logins).toEqual([]);
    expect(plain.received).toEqual([]);
  });

  it('implicit: TLS from the first byte (smtps://), verified the same way', async () => {
    const smtps = await relay({ tls: { ...relayCertificate, implicit: true }, credentials });
    expect(await send({ url: smtps.url, tls: 'implicit', ca: otherAuthority.certificate, ...credentials })).toBeDefined();
    expect(await send({ url: smtps.url, tls: 'implicit', ca: authority.certificate, ...credentials })).toBeUndefined();
    expect(smtps.received).toEqual([expect.objectContaining({ secure: true, user: credentials.user })]);
  });

  it('a refused login fails the send without the password in the error', async () => {
    const failure = await send({
      url: starttls.url,
      tls: 'starttls',
      ca: authority.certificate,
      user: credentials.user,
      password: 'not-the-password-91c2',
    });
    expect(failure?.message).toMatch(/535/);
    expect(failure?.message).not.toContain('not-the-password-91c2');
    expect(starttls.logins.at(-1)).toEqual({ user: credentials.user, password: 'not-the-password-91c2' });
  });

  it('never logs the password: a log line holding the loaded settings shows it redacted', () => {
    const env = {
      NODE_ENV: 'development',
      SMTP_URL: starttls.url,
      SMTP_TLS: 'starttls',
      SMTP_USER: credentials.user,
      SMTP_PASSWORD: credentials.password,
    };
    const config = loadConfig(smtpSettings(env), env);
    expect(config.smtpPassword).toBe(credentials.password);
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const logger = createLogger('smtp-tls-test', 'info', sink);
    logger.info({ config }, 'loaded');
    logger.info(config, 'loaded');
    expect(output).toContain(credentials.user);
    expect(output).not.toContain(credentials.password);
  });
});
