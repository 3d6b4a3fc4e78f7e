// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { resolveSettings } from './config';

describe('mail settings', () => {
  it('defaults to the local mail sink on 1025/8025', () => {
    expect(resolveSettings({})).toMatchObject({
      mailSmtpPort: 1025,
      mailHttpPort: 8025,
      smtpUrl: 'smtp://127.0.0.1:1025',
      mailSinkUrl: 'http://127.0.0.1:8025',
      mailExternal: false,
    });
  });

  it('moves the local sink with MAIL_SINK_SMTP_PORT / MAIL_SINK_HTTP_PORT', () => {
    expect(resolveSettings({ MAIL_SINK_SMTP_PORT: '2525', MAIL_SINK_HTTP_PORT: '8125' })).toMatchObject({
      smtpUrl: 'smtp://127.0.0.1:2525',
      mailSinkUrl: 'http://127.0.0.1:8125',
      mailExternal: false,
    });
  });

  it('treats SMTP_URL / MAIL_SINK_URL naming the local sink as local', () => {
    expect(resolveSettings({ SMTP_URL: 'smtp://localhost:1025', MAIL_SINK_URL: 'http://127.0.0.1:8025/' }).mailExternal).toBe(false);
  });

  it('uses an SMTP server given elsewhere and starts no sink', () => {
    expect(resolveSettings({ SMTP_URL: 'smtp://mail.example.com:587' })).toMatchObject({
      smtpUrl: 'smtp://mail.example.com:587',
      mailSinkUrl: null,
      mailExternal: true,
    });
    expect(resolveSettings({ SMTP_URL: 'smtp://mailsink:1025', MAIL_SINK_URL: 'http://mailsink:8025' })).toMatchObject({
      smtpUrl: 'smtp://mailsink:1025',
      mailSinkUrl: 'http://mailsink:8025',
      mailExternal: true,
    });
  });
});
