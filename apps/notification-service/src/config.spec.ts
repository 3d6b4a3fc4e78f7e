import { loadNotificationConfig } from './config';

describe('notification-service configuration', () => {
  it('sends to the development mail sink by default', () => {
    expect(loadNotificationConfig({})).toMatchObject({
      port: 3004,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_notification',
      consumerGroup: 'notification-service',
      smtpUrl: 'smtp://127.0.0.1:1025',
    });
  });

  it('refuses an SMTP URL of another protocol', () => {
    expect(() => loadNotificationConfig({ SMTP_URL: 'http://mail.example.test' })).toThrow('SMTP_URL');
  });
});
