import { loadNotificationConfig } from './config';

describe('notification-service configuration', () => {
  it('sends to the development mail sink by default', () => {
    expect(loadNotificationConfig({ NODE_ENV: 'development' })).toMatchObject({
      port: 3004,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/consign_notification',
      consumerGroup: 'notification-service',
      smtpUrl: 'smtp://127.0.0.1:1025',
    });
  });

  it('names its relay and sender outside development, instead of the development mail sink', () => {
    expect(() => loadNotificationConfig({ NODE_ENV: 'prod' })).toThrow(
      /SMTP_URL: is required but not set[\s\S]*MAIL_FROM: is required but not set/,
    );
  });

  it('seals contacts under the development KEK in development, and requires the KEKs in production', () => {
    expect(loadNotificationConfig({ NODE_ENV: 'development' }).personalDataKeys.current.id).toBe('development');
    expect(() => loadNotificationConfig({ NODE_ENV: 'prod' })).toThrow('PERSONAL_DATA_KEYS: is required but not set');
  });

  it('refuses an SMTP URL of another protocol', () => {
    expect(() => loadNotificationConfig({ NODE_ENV: 'development', SMTP_URL: 'http://mail.example.test' })).toThrow('SMTP_URL');
  });

  it('sends emails up to a week late by default, reads NOTIFICATION_MAX_EVENT_AGE as a duration, and refuses one under a second', () => {
    expect(loadNotificationConfig({ NODE_ENV: 'development' }).maxEventAgeMs).toBe(7 * 86_400_000);
    expect(loadNotificationConfig({ NODE_ENV: 'development', NOTIFICATION_MAX_EVENT_AGE: '5m' }).maxEventAgeMs).toBe(300_000);
    expect(() => loadNotificationConfig({ NODE_ENV: 'development', NOTIFICATION_MAX_EVENT_AGE: '500ms' })).toThrow(
      'NOTIFICATION_MAX_EVENT_AGE: must be at least 1s, got 500ms',
    );
    expect(() => loadNotificationConfig({ NODE_ENV: 'development', NOTIFICATION_MAX_EVENT_AGE: 'a week' })).toThrow(
      'NOTIFICATION_MAX_EVENT_AGE',
    );
  });
});
