// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { MailStore, readMail, type ReceivedMail } from './mail-store';

function mail(subject: string, to: string[]): ReceivedMail {
  const raw = [
    'From: "Store" <store@example.com>',
    `To: ${to.join(', ')}`,
    `Subject: ${subject}`,
    'Message-ID: <m-1@consign.test>',
    'X-Notification-Id: n-1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `text of ${subject}`,
    '',
  ].join('\r\n');
  return { envelopeFrom: 'bounce@example.com', to, raw: Buffer.from(raw), receivedAt: new Date().toISOString() };
}

describe('MailStore', () => {
  it('lists newest first and keeps only the newest `capacity` messages', async () => {
    const store = new MailStore(2);
    store.add(mail('one', ['x@example.com']));
    store.add(mail('two', ['x@example.com']));
    store.add(mail('three', ['x@example.com']));
    expect(store.size).toBe(2);
    expect((await store.list()).map((m) => m.subject)).toEqual(['three', 'two']);
    expect(await store.get('1')).toBeUndefined();
    expect((await store.get('3'))?.subject).toBe('three');
  });

  it('filters by recipient, case-insensitively', async () => {
    const store = new MailStore(10);
    store.add(mail('for x', ['X@Example.com']));
    store.add(mail('for y', ['y@example.com']));
    expect((await store.list({ to: 'x@example.COM' })).map((m) => m.subject)).toEqual(['for x']);
  });

  it('clears and reports how many it forgot', async () => {
    const store = new MailStore(10);
    store.add(mail('one', ['x@example.com']));
    expect(store.clear()).toBe(1);
    expect(await store.list()).toEqual([]);
  });

  it('parses a message when it is first shown, once, not when it arrives', async () => {
    const store = new MailStore(10);
    const received = mail('kept raw', ['x@example.com']);
    const id = store.add(received);
    // Changed after it arrived: what is shown is what the bytes say when first read, and that is kept.
    received.raw = Buffer.from(received.raw.toString().replace('kept raw', 'read late'));
    const first = await store.get(id);
    received.raw = Buffer.from('Subject: changed again\r\n\r\n');
    expect(first?.subject).toBe('read late');
    expect(await store.get(id)).toBe(first);
  });
});

describe('readMail', () => {
  it('shows the headers worth showing, the text and the envelope recipients', async () => {
    const shown = await readMail('7', mail('Your item sold', ['ada@example.com', 'hidden@example.com']));
    expect(shown).toMatchObject({
      id: '7',
      messageId: '<m-1@consign.test>',
      from: 'store@example.com',
      to: ['ada@example.com', 'hidden@example.com'],
      subject: 'Your item sold',
      text: 'text of Your item sold\n',
      html: null,
      headers: { subject: 'Your item sold', 'message-id': '<m-1@consign.test>', 'x-notification-id': 'n-1' },
    });
  });

  it('falls back to the envelope sender without a From header', async () => {
    const received: ReceivedMail = {
      envelopeFrom: 'bounce@example.com',
      to: ['x@example.com'],
      raw: Buffer.from('Subject: no from\r\n\r\nhi\r\n'),
      receivedAt: new Date().toISOString(),
    };
    expect(await readMail('1', received)).toMatchObject({ from: 'bounce@example.com', subject: 'no from', sizeBytes: received.raw.length });
  });
});
