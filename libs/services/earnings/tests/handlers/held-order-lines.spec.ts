import { EarningsRecorded, events, PlatformEvent } from '@consign/contracts';
import { escalateOverdueHolds, listEarningsExceptions, EarningsInputEvent } from '@consign/earnings';
import {
  catalogue,
  consignorDeactivated,
  consignorRegistered,
  consignorUpdated,
  EarningsTestDatabase,
  line,
  openEarningsDatabase,
  order,
  orderCancelled,
  orderCreated,
  orderPaid,
  orderUpdated,
  productUpserted,
  refund,
  refundCreated,
  seeded,
  storedTotals,
  tenant,
  totalsRecomputedFromLedger,
} from '../support/earnings-events';

const ofOrder = async (db: EarningsTestDatabase, orderId: string) => {
  const { ledger, openExceptions, heldLines } = await db.snapshot();
  const about = (row: unknown) => (row as { order_id: string }).order_id === orderId;
  return { ledger: ledger.filter(about), openExceptions: openExceptions.filter(about), heldLines: heldLines.filter(about) };
};
const applyAll = async (db: EarningsTestDatabase, sequence: EarningsInputEvent[]) => {
  const published: PlatformEvent[] = [];
  for (const event of sequence) published.push(...(await db.apply(event)));
  return published;
};
const escalate = (db: EarningsTestDatabase, heldBefore: Date) =>
  db.dataSource.transaction((manager) => escalateOverdueHolds(manager, heldBefore));
const afterTheGracePeriod = () => new Date(Date.now() + 1000);

describe('order lines that arrive before their product or consignor (real PostgreSQL)', () => {
  let inOrder: EarningsTestDatabase;
  let early: EarningsTestDatabase;

  beforeAll(async () => {
    [inOrder, early] = await Promise.all([seeded(), seeded()]);
  });

  afterAll(async () => {
    await inOrder?.close();
    await early?.close();
  });

  it('holds a line whose product has not come, with no exception and no entry, and records the entry in-order processing gives when it comes', async () => {
    const product = productUpserted('prod-late-1', 'p-late-1', ['consignor:c-1'], '2026-01-03T00:00:00Z');
    const created = orderCreated(
      'create-8001',
      order('8001', [line('801', 'p-late-1', 2, 2500, { discountMinor: 10 }), line('802', 'p-1', 1, 500)]),
    );
    const [recorded801, recorded802] = await applyAll(inOrder, [product, created]);

    expect(await early.apply(created)).toEqual([recorded802]);
    expect(await ofOrder(early, '8001')).toMatchObject({
      openExceptions: [],
      heldLines: [{ line_item_id: '801', awaiting: 'product', state: 'held' }],
    });
    expect((await ofOrder(early, '8001')).ledger).toHaveLength(1);

    expect(await early.apply(product)).toEqual([recorded801]);
    expect((recorded801.value as EarningsRecorded).gross.amountMinor).toBe(4990);
    expect(await ofOrder(early, '8001')).toEqual(await ofOrder(inOrder, '8001'));
    expect(await early.apply(product)).toEqual([]);
  });

  it('holds a line whose consignor has not registered, and records it at their terms when they do', async () => {
    const registered = consignorRegistered('reg-c8', 'c-8', 2500, '2026-01-01T00:00:00Z');
    const product = productUpserted('prod-c8', 'p-c8', ['consignor:c-8'], '2026-01-03T00:00:00Z');
    const created = orderCreated('create-8002', order('8002', [line('811', 'p-c8', 1, 4000)]));
    const expected = await applyAll(inOrder, [registered, product, created]);

    expect(await applyAll(early, [product, created])).toEqual([]);
    expect((await ofOrder(early, '8002')).heldLines).toEqual([expect.objectContaining({ awaiting: 'consignor', consignor_id: 'c-8' })]);
    expect(await early.apply(registered)).toEqual(expected);
    expect((expected[0].value as EarningsRecorded).commissionRateBasisPoints).toBe(2500);
    expect(await ofOrder(early, '8002')).toEqual(await ofOrder(inOrder, '8002'));
  });

  it('applies to the late entry, exactly, the refund and cancellation its order had meanwhile', async () => {
    const product = productUpserted('prod-late-3', 'p-late-3', ['consignor:c-1'], '2026-01-03T00:00:00Z');
    const placed = order('8003', [line('821', 'p-late-3', 3, 1000, { discountMinor: 100 }), line('822', 'p-1', 1, 700)]);
    const oneUnit = refund('r-8003', [['rl-8003', '821', 1, 967]]);
    const refunded = refundCreated('refund-8003', '8003', oneUnit, '2026-03-02T10:00:00Z');
    const cancelled = orderCancelled('cancel-8003', placed, '2026-03-03T10:00:00Z', { '821': 0, '822': 0 }, [oneUnit]);
    // The cancellation even comes before the order; the refund while the line is held. In-order
    // processing is the same arrival with the product known: the cancellation, applied when the
    // order arrives, claims the refund line before the refund does.
    const inOrderEvents = await applyAll(inOrder, [product, cancelled, orderCreated('create-8003', placed), refunded]);
    await applyAll(early, [cancelled, orderCreated('create-8003', placed), refunded]);
    const published = await early.apply(product);

    expect(published).toEqual(inOrderEvents.filter((event) => (event.value as EarningsRecorded).lineItemId === '821'));
    expect(published.map((event) => [event.definition.type, (event.value as EarningsRecorded).gross.amountMinor])).toEqual([
      ['earnings.recorded', 2900],
      ['earnings.reversed', 967],
      ['earnings.reversed', 1933],
    ]);
    expect(await ofOrder(early, '8003')).toEqual(await ofOrder(inOrder, '8003'));
    // What was kept only for the held line is forgotten: left is the cancellation that came before its order, as in any processing.
    expect(await early.dataSource.query("SELECT event_id, state FROM held_order_changes WHERE order_id = '8003'")).toEqual([
      { event_id: cancelled.metadata.eventId, state: 'applied' },
    ]);
    expect(await early.dataSource.query("SELECT line_item_id FROM held_order_lines WHERE order_id = '8003'")).toEqual([]);
    expect(await early.apply(product)).toEqual([]);
    expect(await early.apply(refunded)).toEqual([]);
  });

  it('replays the changes a late line missed in the order they were applied, not the order they happened', async () => {
    const product = productUpserted('prod-late-9', 'p-late-9', ['consignor:c-1'], '2026-01-03T00:00:00Z');
    const placed = order('8009', [line('891', 'p-late-9', 2, 1500)]);
    const oneUnit = refund('r-8009', [['rl-8009', '891', 1, 1500]]);
    // The refund webhook comes first; an orders/updated that happened earlier brings the same refund line after it.
    const refunded = refundCreated('refund-8009', '8009', oneUnit, '2026-03-04T10:00:00Z');
    const updated = orderUpdated('update-8009', placed, '2026-03-03T10:00:00Z', [oneUnit]);
    await applyAll(inOrder, [product, orderCreated('create-8009', placed), refunded, updated]);

    await applyAll(early, [orderCreated('create-8009', placed), refunded, updated]);
    await early.apply(product);

    // The refund claimed the line in-order, so its reversal counts for its own day in both.
    expect(await ofOrder(early, '8009')).toEqual(await ofOrder(inOrder, '8009'));
    const reversalDays = (await ofOrder(early, '8009')).ledger
      .filter((entry) => (entry as { reverses_entry_id: string | null }).reverses_entry_id !== null)
      .map((entry) => new Date((entry as { occurred_at: string }).occurred_at).toISOString().slice(0, 10));
    expect(reversalDays).toEqual(['2026-03-04']);
  });

  it('applies an orders/updated refund and the payment the order had while its line was held', async () => {
    const product = productUpserted('prod-late-7', 'p-late-7', ['consignor:c-2'], '2026-01-03T00:00:00Z');
    const placed = order('8007', [line('861', 'p-late-7', 2, 1500)]);
    const sequence = [
      orderCreated('create-8007', placed),
      orderPaid('paid-8007', placed, '2026-03-01T11:00:00Z'),
      orderUpdated('update-8007', placed, '2026-03-02T10:00:00Z', [refund('r-8007', [['rl-8007', '861', 1, 1500]])]),
    ];
    await applyAll(inOrder, [product, ...sequence]);
    await applyAll(early, sequence);

    const published = await early.apply(product);
    expect(
      published.map((event) => [
        event.definition.type,
        (event.value as EarningsRecorded).status,
        (event.value as EarningsRecorded).quantity,
      ]),
    ).toEqual([
      ['earnings.recorded', 'earned', 2],
      ['earnings.reversed', 'earned', 1],
    ]);
    expect(await ofOrder(early, '8007')).toEqual(await ofOrder(inOrder, '8007'));
  });

  it("ends the hold of a line whose product turns out to be the store's own", async () => {
    const product = productUpserted('prod-late-4', 'p-late-4', ['house'], '2026-01-03T00:00:00Z');
    const created = orderCreated('create-8004', order('8004', [line('831', 'p-late-4', 1, 1000)]));
    await applyAll(inOrder, [product, created]);
    expect(await applyAll(early, [created, product])).toEqual([]);
    expect(await ofOrder(early, '8004')).toEqual({ ledger: [], openExceptions: [], heldLines: [] });
  });

  it("lists a line of a consignor inactive when it sold as today's consignor_inactive, once the product says whose it is", async () => {
    const product = productUpserted('prod-late-5', 'p-late-5', ['consignor:c-3'], '2026-01-03T00:00:00Z');
    const created = orderCreated('create-8005', order('8005', [line('841', 'p-late-5', 1, 1000)]));
    await applyAll(inOrder, [product, created]);
    expect(await applyAll(early, [created, product])).toEqual([]);
    const late = await ofOrder(early, '8005');
    expect(late.openExceptions).toEqual([
      expect.objectContaining({ kind: 'consignor_inactive', line_item_id: '841', consignor_id: 'c-3' }),
    ]);
    expect(late).toEqual(await ofOrder(inOrder, '8005'));
  });

  it('holds a line for its consignor when the product names one not registered yet', async () => {
    const registered = consignorRegistered('reg-c9', 'c-9', 1000, '2026-01-01T00:00:00Z');
    const product = productUpserted('prod-late-6', 'p-late-6', ['consignor:c-9'], '2026-01-03T00:00:00Z');
    const created = orderCreated('create-8006', order('8006', [line('851', 'p-late-6', 1, 1000)]));
    const expected = await applyAll(inOrder, [registered, product, created]);

    expect(await applyAll(early, [created, product])).toEqual([]);
    expect((await ofOrder(early, '8006')).heldLines).toEqual([
      expect.objectContaining({ awaiting: 'consignor', consignor_id: 'c-9', state: 'held' }),
    ]);
    expect(await early.apply(registered)).toEqual(expected);
  });

  // consignors.v1 keeps 90 days: a rebuild may never see the registration of an older consignor.
  it.each([
    ['an update', 'c-10', '8010', consignorUpdated('update-c10', 'c-10', 1500, '2026-02-01T00:00:00Z'), 'earnings.recorded'],
    ['a deactivation', 'c-11', '8011', consignorDeactivated('deact-c11', 'c-11', '2026-02-01T00:00:00Z'), 'consignor_inactive'],
  ])(
    "evaluates a line held for its consignor when the first of the consignor's events it sees is %s",
    async (_first, consignorId, orderId, consignorEvent, outcome) => {
      const product = productUpserted(`prod-${consignorId}`, `p-${consignorId}`, [`consignor:${consignorId}`], '2026-01-03T00:00:00Z');
      const created = orderCreated(`create-${orderId}`, order(orderId, [line(`${orderId}-1`, `p-${consignorId}`, 1, 1000)]));
      const expected = await applyAll(inOrder, [consignorEvent, product, created]);

      expect(await applyAll(early, [product, created])).toEqual([]);
      expect(await early.apply(consignorEvent)).toEqual(expected);
      const late = await ofOrder(early, orderId);
      // Either an entry or the exception in-order processing gives, never both.
      expect([
        ...expected.map((event) => event.definition.type),
        ...late.openExceptions.map((row) => (row as { kind: string }).kind),
      ]).toEqual([outcome]);
      expect(late).toEqual(await ofOrder(inOrder, orderId));
    },
  );

  it('ends, after all of it, in the state in-order processing gives', async () => {
    expect(await early.snapshot()).toEqual(await inOrder.snapshot());
    expect(await storedTotals(early.dataSource)).toEqual(await totalsRecomputedFromLedger(early.dataSource));
  });
});

describe('lines held past the grace period (real PostgreSQL)', () => {
  const placed = order('8101', [line('871', 'p-lost', 1, 1000)]);
  const product = productUpserted('prod-lost', 'p-lost', ['consignor:c-lost'], '2026-01-03T00:00:00Z');
  const registered = consignorRegistered('reg-c-lost', 'c-lost', 2000, '2026-01-01T00:00:00Z');
  let db: EarningsTestDatabase;
  let inOrder: EarningsTestDatabase;

  beforeAll(async () => {
    [db, inOrder] = await Promise.all([seeded(), seeded()]);
  });

  afterAll(async () => {
    await db?.close();
    await inOrder?.close();
  });

  it('are listed as what they wait for only after the grace period, closed when it comes, and applied then', async () => {
    await db.apply(orderCreated('create-8101', placed));
    expect(await escalate(db, new Date(Date.now() - 60_000))).toEqual({ orderChanges: 0, lines: 0 });
    expect(await listEarningsExceptions(db.dataSource.manager, tenant.id, null)).toEqual([]);

    expect(await escalate(db, afterTheGracePeriod())).toEqual({ orderChanges: 0, lines: 1 });
    expect(await escalate(db, afterTheGracePeriod())).toEqual({ orderChanges: 0, lines: 0 });
    const [unknownProduct] = await listEarningsExceptions(db.dataSource.manager, tenant.id, 'unknown_product');
    expect(unknownProduct).toMatchObject({
      orderId: '8101',
      lineItemId: '871',
      consignorId: null,
      detail: { productId: 'p-lost', title: 'Item 871' },
      resolvedAt: null,
    });

    // The product comes, naming a consignor not registered: that exception closes, the line waits on for them.
    expect(await db.apply(product)).toEqual([]);
    expect((await listEarningsExceptions(db.dataSource.manager, tenant.id, 'unknown_product'))[0].resolvedAt).toEqual(expect.any(String));
    expect(await escalate(db, afterTheGracePeriod())).toEqual({ orderChanges: 0, lines: 1 });
    const [unknownConsignor] = await listEarningsExceptions(db.dataSource.manager, tenant.id, 'unknown_consignor');
    expect(unknownConsignor).toMatchObject({
      orderId: '8101',
      lineItemId: '871',
      consignorId: 'c-lost',
      detail: { productId: 'p-lost', title: 'Item 871' },
      resolvedAt: null,
    });

    const published = await db.apply(registered);
    expect(published.map((event) => event.definition)).toEqual([events.earningsRecorded]);
    expect((await listEarningsExceptions(db.dataSource.manager, tenant.id, 'unknown_consignor'))[0].resolvedAt).toEqual(expect.any(String));
    expect(published).toEqual(await applyAll(inOrder, [registered, product, orderCreated('create-8101', placed)]));
  });

  it('change nothing when replayed, and leave the state a rebuild reaches', async () => {
    const before = await db.snapshot();
    expect(await applyAll(db, [orderCreated('create-8101', placed), product, registered])).toEqual([]);
    expect(await escalate(db, afterTheGracePeriod())).toEqual({ orderChanges: 0, lines: 0 });
    expect(await db.snapshot()).toEqual(before);
    expect(before).toEqual(await inOrder.snapshot());
  });
});

describe('a rebuild from earliest, topics read one after the other (real PostgreSQL)', () => {
  const first = order('8201', [
    line('881', 'p-1', 3, 1000, { discountMinor: 100 }),
    line('882', 'p-2', 2, 5),
    line('883', 'p-store', 1, 100),
  ]);
  const second = order('8202', [line('885', 'p-ghost', 1, 2500), line('886', 'p-never', 1, 100), line('887', null, 1, 100)], {
    createdAt: '2026-03-02T23:30:00Z',
  });
  const foreign = order('8203', [line('888', 'p-2', 1, 4200, { currency: 'CAD' })], { totalPrice: { amountMinor: 4200, currency: 'CAD' } });
  const oneUnit = refund('r-8201', [['rl-8201', '881', 1, 967]]);
  const orderEvents: EarningsInputEvent[] = [
    orderCreated('create-8201', first),
    orderPaid('paid-8201', first, '2026-03-01T12:00:00Z'),
    refundCreated('refund-8201', '8201', oneUnit, '2026-03-02T08:00:00Z'),
    orderCreated('create-8202', second),
    orderCreated('create-8203', foreign),
    orderCancelled('cancel-8201', first, '2026-03-06T10:00:00Z', { '881': 0, '882': 1 }, [oneUnit]),
  ];
  const consignorEvents = catalogue.filter((event) => event.metadata.eventType.startsWith('consignor.'));
  const productEvents = catalogue.filter((event) => event.metadata.eventType === 'shopify.product.upserted');
  let live: EarningsTestDatabase;

  beforeAll(async () => {
    live = await openEarningsDatabase();
    await applyAll(live, [...catalogue, ...orderEvents]);
  });

  afterAll(async () => {
    await live?.close();
  });

  it.each([
    ['orders, then consignors, then products', [...orderEvents, ...consignorEvents, ...productEvents]],
    ['orders, then products, then consignors', [...orderEvents, ...productEvents, ...consignorEvents]],
  ])('reaches the live state, exceptions and holds included, reading %s', async (_order, sequence) => {
    const rebuild = await openEarningsDatabase();
    try {
      await applyAll(rebuild, sequence);
      expect(await rebuild.snapshot()).toEqual(await live.snapshot());
      expect(await storedTotals(rebuild.dataSource)).toEqual(await storedTotals(live.dataSource));
    } finally {
      await rebuild.close();
    }
  });

  it('has, live, the entries, exceptions and holds this sequence calls for', async () => {
    const { ledger, openExceptions, heldLines } = await live.snapshot();
    expect(ledger).toHaveLength(3 + 3);
    expect(openExceptions.map((row) => (row as { kind: string }).kind).sort()).toEqual(['foreign_currency', 'line_without_product']);
    expect(heldLines.map((row) => (row as { line_item_id: string }).line_item_id)).toEqual(['885', '886']);
  });
});

describe('handlers of other partitions running at the same moment (real PostgreSQL)', () => {
  let db: EarningsTestDatabase;

  beforeAll(async () => {
    db = await seeded();
  });

  afterAll(async () => {
    await db?.close();
  });

  it('an order and its product: the product waits for the order, then evaluates the line it held', async () => {
    const order8301 = await db.applyUncommitted(orderCreated('create-8301', order('8301', [line('891', 'p-race-1', 1, 1000)])));
    const product = db.apply(productUpserted('prod-race-1', 'p-race-1', ['consignor:c-1'], '2026-01-03T00:00:00Z'));
    await db.untilOneWaitsForALock();
    await order8301.commit();
    expect((await product).map((event) => (event.value as EarningsRecorded).lineItemId)).toEqual(['891']);
  });

  it("an order and its consignor's registration: the registration waits for the order, then evaluates the line it held", async () => {
    await db.apply(productUpserted('prod-race-2', 'p-race-2', ['consignor:c-race'], '2026-01-03T00:00:00Z'));
    const order8302 = await db.applyUncommitted(orderCreated('create-8302', order('8302', [line('892', 'p-race-2', 1, 1000)])));
    const registration = db.apply(consignorRegistered('reg-c-race', 'c-race', 2000, '2026-01-01T00:00:00Z'));
    await db.untilOneWaitsForALock();
    await order8302.commit();
    expect((await registration).map((event) => (event.value as EarningsRecorded).lineItemId)).toEqual(['892']);
  });

  it('a payment of an order whose line is being evaluated: the entry is earned, in the totals too', async () => {
    const placed = order('8303', [line('893', 'p-race-3', 1, 1000)]);
    await db.apply(orderCreated('create-8303', placed));
    const payment = await db.applyUncommitted(orderPaid('paid-8303', placed, '2026-03-01T11:00:00Z'));
    const product = db.apply(productUpserted('prod-race-3', 'p-race-3', ['consignor:c-1'], '2026-01-03T00:00:00Z'));
    await db.untilOneWaitsForALock();
    await payment.commit();
    expect((await product).map((event) => (event.value as EarningsRecorded).status)).toEqual(['earned']);
    expect(await storedTotals(db.dataSource)).toEqual(await totalsRecomputedFromLedger(db.dataSource));
  });

  it('a refund of an order whose line is being evaluated: the new entry gets it', async () => {
    const placed = order('8304', [line('894', 'p-race-4', 2, 1000)]);
    await db.apply(orderCreated('create-8304', placed));
    const refunded = await db.applyUncommitted(
      refundCreated('refund-8304', '8304', refund('r-8304', [['rl-8304', '894', 1, 1000]]), '2026-03-02T10:00:00Z'),
    );
    const product = db.apply(productUpserted('prod-race-4', 'p-race-4', ['consignor:c-1'], '2026-01-03T00:00:00Z'));
    await db.untilOneWaitsForALock();
    await refunded.commit();
    expect((await product).map((event) => [event.definition.type, (event.value as EarningsRecorded).quantity])).toEqual([
      ['earnings.recorded', 2],
      ['earnings.reversed', 1],
    ]);
  });
});
