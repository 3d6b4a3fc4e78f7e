import { encodeHistoryCursor, maxHistoryPageSize, parseHistoryQuery } from './history-query';

describe('parseHistoryQuery', () => {
  it('reads every filter, the page size and the cursor', () => {
    const cursor = encodeHistoryCursor({ receivedAt: '2026-12-07 05:00:00.123456+00', id: '42' });
    expect(
      parseHistoryQuery({
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00Z',
        source: 'shopify',
        tenant: 'dev-store',
        topic: 'orders/create',
        outcome: 'rejected',
        reason: 'shopify.signature_invalid',
        subject: '820982911946154500',
        deliveryId: 'b54557e4',
        limit: '20',
        cursor,
      }),
    ).toEqual({
      filter: {
        from: new Date('2026-12-01T00:00:00Z'),
        to: new Date('2026-12-02T00:00:00Z'),
        source: 'shopify',
        tenantId: 'dev-store',
        topic: 'orders/create',
        outcome: 'rejected',
        reason: 'shopify.signature_invalid',
        subjectId: '820982911946154500',
        deliveryId: 'b54557e4',
      },
      limit: 20,
      after: { receivedAt: '2026-12-07 05:00:00.123456+00', id: '42' },
    });
  });

  it('defaults to the newest 50 with no filter', () => {
    expect(parseHistoryQuery({})).toEqual({ filter: {}, limit: 50 });
  });

  it.each([
    ['tenantId', { tenantId: 'x' }],
    ['outcome', { outcome: ['rejected', 'published'] }],
    ['subject', { subject: '' }],
    ['to', { to: '2026-13-45' }],
    ['to', { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }],
    ['limit', { limit: String(maxHistoryPageSize + 1) }],
    ['limit', { limit: '1.5' }],
    ['cursor', { cursor: Buffer.from('2026-12-07|x').toString('base64url') }],
    ['topic', { topic: 'x'.repeat(513) }],
  ] as Array<[string, Record<string, unknown>]>)('refuses a bad ?%s, naming it', (parameter, query) => {
    expect(() => parseHistoryQuery(query)).toThrow(
      expect.objectContaining({ code: 'admin.filter_invalid', httpStatus: 400, details: { parameter } }),
    );
  });
});
