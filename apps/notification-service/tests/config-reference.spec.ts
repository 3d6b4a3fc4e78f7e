import { configurationReferenceProblems } from '@consign/test-support';
import { notificationSettings } from '../src/config';

describe('docs/configuration.md, notification-service', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('notification-service', notificationSettings)).toEqual([]);
  });
});
