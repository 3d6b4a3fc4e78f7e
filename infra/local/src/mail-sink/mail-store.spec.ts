// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { MailStore, type CaughtMail } from './mail-store';

function mail(subject: string, to: string[]): Omit<CaughtMail, 'id'> {
  return {
    messageId: null,
    from: 'a@example.com',
    to,
    subject,
    text: subject,
    html: null,
    headers: {},
    receivedAt: new Date().toISOString(),
    sizeBytes: 1,
  };
}

describe('MailStore', () => {
  it('lists newest first and keeps only the newest `capacity` messages', () => {
    const store = new MailStore(2);
    store.add(mail('one', ['x@example.com']));
    store.add(mail('two', ['x@example.com']));
    store.add(mail('three', ['x@example.com']));
    expect(store.list().map((m) => m.subject)).toEqual(['three', 'two']);
    expect(store.get('1')).toBeUndefined();
    expect(store.get('3')?.subject).toBe('three');
  });

  it('filters by recipient, case-insensitively', () => {
    const store = new MailStore(10);
    store.add(mail('for x', ['X@Example.com']));
    store.add(mail('for y', ['y@example.com']));
    expect(store.list({ to: 'x@example.COM' }).map((m) => m.subject)).toEqual(['for x']);
  });

  it('clears and reports how many it forgot', () => {
    const store = new MailStore(10);
    store.add(mail('one', ['x@example.com']));
    expect(store.clear()).toBe(1);
    expect(store.list()).toEqual([]);
  });
});
