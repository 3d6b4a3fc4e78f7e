import { EarningsReversed, events, PlatformEvent } from '@consign/contracts';
import {
  EarningsTestDatabase,
  line,
  order,
  orderCancelled,
  orderCreated,
  orderUpdated,
  refund,
  refundCreated,
  seeded,
} from '../support/earnings-events';

const reversals = (published: PlatformEvent[]) =>
  published.filter((event) => event.definition === events.earningsReversed).map((event) => event.value as EarningsReversed);
const money = (reversal: EarningsReversed) => [
  reversal.quantity,
  reversal.reason,
  reversal.gross.amountMinor,
  reversal.consignorShare.amountMinor,
  reversal.storeShare.amountMinor,
];

/** The sums per line of the order's ledger: sale minus reversals, each column. */
async function netOf(db: EarningsTestDatabase, orderId: string): Promise<unknown[]> {
  return db.dataSource.query(
    `SELECT line_item_id,
            SUM(CASE WHEN entry_type = 'sale' THEN gross_minor ELSE -gross_minor END)::int AS gross,
            SUM(CASE WHEN entry_type = 'sale' THEN consignor_share_minor ELSE -consignor_share_minor END)::int AS consignor,
            SUM(CASE WHEN entry_type = 'sale' THEN store_share_minor ELSE -store_share_minor END)::int AS store
     FROM earnings_ledger WHERE order_id = $1 GROUP BY line_item_id ORDER BY line_item_id`,
    [orderId],
  );
}

describe('refunds/create (real PostgreSQL)', () => {
  // 3 × 10.00 less 1.00 off the line: 29.00 sold, 70 % of it c-1's. Shopify refunds one unit as 9.67.
  const placed = order('7001', [line('701', 'p-1', 3, 1000, { discountMinor: 100 })]);
  const oneUnit = refund('r-7001', [['rl-7001', '701', 1, 967]]);
  let db: EarningsTestDatabase;

  beforeAll(async () => {
    db = await seeded();
  });

  afterAll(async () => {
    await db?.close();
  });

  it('reverses exactly what a partial refund refunded; the cancellation then reverses exactly the rest', async () => {
    await db.apply(orderCreated('create-7001', placed));
    const refunded = await db.apply(refundCreated('refund-7001', '7001', oneUnit, '2026-03-02T10:00:00Z'));
    expect(reversals(refunded).map(money)).toEqual([[1, 'refunded', 967, 677, 290]]);

    const cancelled = await db.apply(orderCancelled('cancel-7001', placed, '2026-03-03T10:00:00Z', { '701': 0 }, [oneUnit]));
    expect(reversals(cancelled).map(money)).toEqual([[2, 'order_cancelled', 1933, 1353, 580]]);
    expect(await netOf(db, '7001')).toEqual([{ line_item_id: '701', gross: 0, consignor: 0, store: 0 }]);
  });

  it('changes nothing when the same refund comes again, alone or inside orders/updated and orders/cancelled', async () => {
    const before = await db.snapshot();
    expect(await db.apply(refundCreated('refund-7001', '7001', oneUnit, '2026-03-02T10:00:00Z'))).toEqual([]);
    expect(await db.apply(refundCreated('refund-7001-redelivered', '7001', oneUnit, '2026-03-02T10:00:00Z'))).toEqual([]);
    expect(await db.apply(orderUpdated('update-7001', placed, '2026-03-04T10:00:00Z', [oneUnit]))).toEqual([]);
    expect(await db.apply(orderCancelled('cancel-7001-again', placed, '2026-03-04T11:00:00Z', { '701': 0 }, [oneUnit]))).toEqual([]);
    expect(await db.snapshot()).toEqual(before);
  });

  it('reverses a refund line once, whichever of orders/updated and refunds/create carries it first', async () => {
    const second = order('7002', [line('702', 'p-1', 3, 1000, { discountMinor: 100 })]);
    const refunded = refund('r-7002', [['rl-7002', '702', 1, 967]]);
    await db.apply(orderCreated('create-7002', second));
    expect(reversals(await db.apply(orderUpdated('update-7002', second, '2026-03-02T10:00:00Z', [refunded]))).map(money)).toEqual([
      [1, 'refunded', 967, 677, 290],
    ]);
    expect(await db.apply(refundCreated('refund-7002', '7002', refunded, '2026-03-02T10:00:00Z'))).toEqual([]);
  });

  it('holds a refund that comes before its order, applies it once the order arrives, and applies it once however often it comes', async () => {
    const early = order('7003', [line('703', 'p-1', 3, 1000, { discountMinor: 100 })]);
    const refunded = refund('r-7003', [['rl-7003', '703', 1, 967]]);
    const refundEvent = refundCreated('refund-7003', '7003', refunded, '2026-03-02T10:00:00Z');
    expect(await db.apply(refundEvent)).toEqual([]);
    expect(await db.apply(refundEvent)).toEqual([]);
    expect(await db.apply(refundCreated('refund-7003-redelivered', '7003', refunded, '2026-03-02T10:00:00Z'))).toEqual([]);

    const published = await db.apply(orderCreated('create-7003', early));
    expect(published.map((event) => event.definition.type)).toEqual(['earnings.recorded', 'earnings.reversed']);
    expect(reversals(published).map(money)).toEqual([[1, 'refunded', 967, 677, 290]]);
    expect(await db.apply(refundEvent)).toEqual([]);
    expect(await db.dataSource.query("SELECT refund_line_item_id FROM reversed_refund_lines WHERE order_id = '7003'")).toEqual([
      { refund_line_item_id: 'rl-7003' },
    ]);
  });

  it('ignores a refund of no line (shipping or an amount only)', async () => {
    expect(await db.apply(refundCreated('refund-7004', '7004', refund('r-7004', []), '2026-03-02T10:00:00Z'))).toEqual([]);
    expect(await db.dataSource.query("SELECT event_id FROM held_order_changes WHERE order_id = '7004'")).toEqual([]);
  });
});
