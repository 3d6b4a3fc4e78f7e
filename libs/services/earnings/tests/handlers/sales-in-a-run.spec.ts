import { EntityManager } from 'typeorm';
import { PlatformEvent, ShopifyOrderCreated } from '@consign/contracts';
import { EarningsInputEvent, handleEarningsEvent, recordSale, recordSales } from '@consign/earnings';
import { Tenant } from '@consign/tenants';
import { countStatements } from '@consign/test-support';
import {
  catalogue,
  EarningsTestDatabase,
  line,
  order,
  orderCancelled,
  orderCreated,
  orderPaid,
  seeded,
  storedTotals,
  tenant,
  totalsRecomputedFromLedger,
} from '../support/earnings-events';

/** A second client, in euros, with the same consignors, products and order ids. */
const other: Tenant = { ...tenant, id: 'other-store', currency: 'EUR' };
const tenants = new Map([tenant, other].map((client) => [client.id, client]));
const tenantOf = (tenantId: string): Tenant =>
  tenants.get(tenantId) ??
  (() => {
    throw new Error(`no tenant ${tenantId}`);
  })();
const ofOther = <T extends EarningsInputEvent>(event: T): T => ({
  ...event,
  metadata: { ...event.metadata, eventId: `${event.metadata.eventId}-other`, tenantId: other.id },
});
const euros = (placed: ReturnType<typeof order>) => ({ ...placed, totalPrice: { ...placed.totalPrice, currency: 'EUR' } });

let oneByOne: EarningsTestDatabase;
let inRuns: EarningsTestDatabase;

beforeAll(async () => {
  [oneByOne, inRuns] = await Promise.all([seeded(), seeded()]);
  for (const db of [oneByOne, inRuns]) {
    for (const event of catalogue) await db.dataSource.transaction((manager) => handleEarningsEvent(manager, ofOther(event), other));
  }
});

afterAll(async () => {
  await Promise.all([oneByOne?.close(), inRuns?.close()]);
});

const apply = (db: EarningsTestDatabase, event: EarningsInputEvent) =>
  db.dataSource.transaction((manager) => handleEarningsEvent(manager, event, tenantOf(event.metadata.tenantId)));

const counting = <T>(db: EarningsTestDatabase, handler: (manager: EntityManager) => Promise<T>) =>
  countStatements((work: (manager: EntityManager) => Promise<T>) => db.dataSource.transaction(work), handler);

describe('recordSales: a run of placed orders at once (real PostgreSQL)', () => {
  it('ends with the same books and events, in the same order, as recordSale one by one', async () => {
    const cancelledFirst = order('o-cancelled', [line('l1', 'p-1', 1, 10000)]);
    const paidFirst = order('o-paid', [line('l1', 'p-2', 2, 2500)]);
    for (const db of [oneByOne, inRuns]) {
      // What came before the run: an order received, a cancellation held for its order, a payment before its order.
      await apply(db, orderCreated('kept', order('o-kept', [line('l1', 'p-1', 1, 1000)])));
      await apply(db, orderCancelled('cancel-first', cancelledFirst, '2026-03-02T10:00:00Z', { l1: 0 }));
      await apply(db, orderPaid('paid-first', paidFirst, '2026-03-01T09:00:00Z'));
    }
    const first = order(
      'o1',
      [
        line('l1', 'p-1', 1, 10000),
        line('l2', 'p-2', 2, 3333, { discountMinor: 1 }),
        line('l3', 'p-store', 1, 500),
        line('l4', null, 1, 700),
      ],
      { financialStatus: 'paid' },
    );
    const run: ShopifyOrderCreated[] = [
      orderCreated('run-1', first),
      // A deactivated consignor's item (an exception) and one of a consignor never registered (held).
      orderCreated('run-2', order('o2', [line('l1', 'p-3', 1, 4000), line('l2', 'p-ghost', 1, 4000)])),
      orderCreated('run-3', order('o-kept', [line('l1', 'p-1', 1, 1000)])),
      orderCreated('run-4', cancelledFirst),
      orderCreated('run-5', euros(order('o-foreign', [line('l1', 'p-2', 1, 2000, { currency: 'EUR' })]))),
      // The same order again under another event id: nothing more.
      orderCreated('run-6', first),
      ofOther(orderCreated('run-7', euros(order('o1', [line('l1', 'p-1', 3, 1000, { currency: 'EUR' })])))),
      orderCreated('run-8', paidFirst),
      // A product never seen: held.
      orderCreated('run-9', order('o3', [line('l1', 'p-1', 1, 1999), line('l2', 'p-unknown', 1, 100)], { financialStatus: 'paid' })),
    ];

    const expected: PlatformEvent[] = [];
    for (const event of run)
      expected.push(...(await oneByOne.dataSource.transaction((manager) => recordSale(manager, event, tenantOf(event.metadata.tenantId)))));
    const published = await inRuns.dataSource.transaction((manager) => recordSales(manager, run, tenantOf));

    expect(published).toEqual(expected);
    expect(await inRuns.snapshot()).toEqual(await oneByOne.snapshot());
    expect(await storedTotals(inRuns.dataSource)).toEqual(await totalsRecomputedFromLedger(inRuns.dataSource));
    // The cases the run covers did happen: the held cancellation reversed, the foreign currency and the unknown product listed.
    const snapshot = await inRuns.snapshot();
    expect(
      published
        .filter(({ definition }) => definition.type === 'earnings.reversed')
        .map(({ value }) => ('orderId' in value ? value.orderId : undefined)),
    ).toEqual(['o-cancelled']);
    expect(snapshot.openExceptions).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'foreign_currency', order_id: 'o-foreign' })]),
    );
    expect(snapshot.heldLines).toEqual(expect.arrayContaining([expect.objectContaining({ order_id: 'o3', awaiting: 'product' })]));
    expect(snapshot.ledger).toEqual(expect.arrayContaining([expect.objectContaining({ tenant_id: other.id, order_id: 'o1' })]));
  });

  it('writes a run of plain orders of one client in the same few statements, whatever their number', async () => {
    const orders = (count: number, from: number) =>
      Array.from({ length: count }, (_, index) =>
        orderCreated(
          `plain-${from + index}`,
          order(`plain-${from + index}`, [line('l1', 'p-1', 1, 1000), line('l2', 'p-2', 1, 2000)], { financialStatus: 'paid' }),
        ),
      );
    const few = await counting(inRuns, (manager) => recordSales(manager, orders(3, 0), tenantOf));
    const many = await counting(inRuns, (manager) => recordSales(manager, orders(100, 3), tenantOf));
    expect(many.result).toHaveLength(200);
    expect(many.statements).toBe(few.statements);
    expect(many.statements).toBeLessThanOrEqual(11);
    expect(await storedTotals(inRuns.dataSource)).toEqual(await totalsRecomputedFromLedger(inRuns.dataSource));
  });
});
