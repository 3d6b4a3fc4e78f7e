import { consignorRegistered, earningsRecorded, earningsReversed } from '../support/sample-events';
import { loadTemplate, notificationTemplatesDir } from '../../src/mail/template-files';
import {
  earningsReversedValues,
  itemSoldValues,
  messageIdFor,
  notificationIdFor,
  notificationTemplates,
} from '../../src/domain/notification-content';
import { notificationFailed, notificationSent, providerMessageIdFrom } from '../../src/domain/notification-events';
import { renderTemplate } from '../../src/domain/render-template';

describe('notification content', () => {
  it('gives one id per (event, template), the same every time', () => {
    const id = notificationIdFor('e-1', 'item-sold');
    expect(notificationIdFor('e-1', 'item-sold')).toBe(id);
    expect(notificationIdFor('e-1', 'earnings-reversed')).not.toBe(id);
    expect(notificationIdFor('e-2', 'item-sold')).not.toBe(id);
    expect(messageIdFor(id)).toBe(`<${id}@notifications.consign-stream>`);
  });

  it('describes a sale with the title, quantity and the consignor share', () => {
    const event = earningsRecorded('c-1', { quantity: 2, consignorShare: { amountMinor: 1500, currency: 'JPY' }, status: 'earned' });
    expect(itemSoldValues(event)).toEqual({ itemTitle: 'Silk scarf', quantity: '2', amountEarned: '¥1,500', payoutNote: '' });
  });

  it('says when a sale is not payable yet, and names an untitled item', () => {
    const values = itemSoldValues(earningsRecorded('c-1', { status: 'pending', itemTitle: null }));
    expect(values.itemTitle).toBe('your item');
    expect(values.payoutNote).toMatch(/payable once the buyer has paid/);
  });

  it('describes a reversal with its reason and the store note', () => {
    const event = earningsReversed('c-1', {
      reason: 'refunded',
      note: ' damaged in transit ',
      consignorShare: { amountMinor: 12000, currency: 'USD' },
    });
    expect(earningsReversedValues(event)).toEqual({
      itemTitle: 'Silk scarf',
      quantity: '1',
      amountReversed: '$120.00',
      reason: 'the buyer was refunded',
      note: 'Note from the store: damaged in transit',
    });
    expect(earningsReversedValues(earningsReversed('c-1', { note: null })).note).toBe('');
  });

  it.each(notificationTemplates)('template file %s renders with its event values and the display name', async (name) => {
    const values = {
      welcome: {},
      'item-sold': itemSoldValues(earningsRecorded('c-1')),
      'earnings-reversed': earningsReversedValues(earningsReversed('c-1')),
    }[name];
    const email = renderTemplate(await loadTemplate(notificationTemplatesDir, name), { ...values, displayName: 'Ada' });
    expect(email.subject).not.toBe('');
    expect(email.text).toContain('Hello Ada,');
    expect(email.html).toContain('<p>Hello Ada,</p>');
  });

  it('reads the provider queue id from the SMTP reply when there is one', () => {
    expect(providerMessageIdFrom('250 2.0.0 Ok: queued as 4FZ9x2')).toBe('4FZ9x2');
    expect(providerMessageIdFrom('250 OK')).toBeNull();
    expect(providerMessageIdFrom(undefined)).toBeNull();
  });

  it('derives the outcome events from the cause, one failure event per attempt', () => {
    const cause = consignorRegistered('c-1').metadata;
    const facts = { notificationId: 'n-1', consignorId: 'c-1', template: 'welcome' as const, attempt: 1, at: 1_000 };
    const sent = notificationSent(cause, facts, 'Q1');
    expect(sent.value).toMatchObject({
      notificationId: 'n-1',
      consignorId: 'c-1',
      template: 'welcome',
      channel: 'email',
      attempt: 1,
      providerMessageId: 'Q1',
    });
    expect(sent.value.metadata).toMatchObject({
      source: 'notification-service',
      causationId: cause.eventId,
      occurredAt: 1_000,
      tenantId: cause.tenantId,
    });
    expect(notificationSent(cause, facts, 'Q1').value.metadata.eventId).toBe(sent.value.metadata.eventId);
    const first = notificationFailed(cause, facts, { error: 'x', errorCode: '451', willRetry: true });
    const second = notificationFailed(cause, { ...facts, attempt: 2 }, { error: 'x', errorCode: '451', willRetry: false });
    expect(first.value.metadata.eventId).not.toBe(second.value.metadata.eventId);
  });
});
