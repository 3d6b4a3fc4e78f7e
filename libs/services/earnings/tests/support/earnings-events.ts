import { DataSource } from 'typeorm';
import {
  ConsignorDeactivated,
  ConsignorRegistered,
  ConsignorUpdated,
  deterministicEventId,
  EventMetadata,
  PlatformEvent,
  ShopifyLineItem,
  ShopifyOrder,
  ShopifyOrderCancelled,
  ShopifyOrderCreated,
  ShopifyOrderPaid,
  ShopifyOrderUpdated,
  ShopifyProductUpserted,
  ShopifyRefund,
  ShopifyRefundCreated,
} from '@consign/contracts';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { Tenant } from '@consign/tenants';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints, testEventMetadata } from '@consign/test-support';
import { earningsMigrations, EarningsInputEvent, handleEarningsEvent } from '@consign/earnings';

/** Test events with ids derived from a name, so two runs of a scenario carry the same ids. */

export const tenant: Tenant = {
  id: 'dev-store',
  shopDomain: 'shop.myshopify.com',
  shopifyWebhookSecrets: ['test_secret_key'],
  clerkInstanceIds: [],
  clerkSigningSecrets: [],
  currency: 'USD',
  defaultCommissionRateBasisPoints: 4000,
  consignorTagPrefix: 'consignor:',
};

function metadata(eventType: string, name: string, occurredAt: string, source = 'shopify'): EventMetadata {
  return testEventMetadata(eventType, {
    eventId: deterministicEventId('earnings-test', name),
    occurredAt: Date.parse(occurredAt),
    receivedAt: Date.parse(occurredAt) + 1000,
    source,
    tenantId: tenant.id,
    correlationId: `correlation-${name}`,
  });
}

const usd = (amountMinor: number, currency = 'USD') => ({ amountMinor, currency });

export function line(
  id: string,
  productId: string | null,
  quantity: number,
  unitPriceMinor: number,
  options: { discountMinor?: number; currency?: string; title?: string } = {},
): ShopifyLineItem {
  return {
    id,
    productId,
    variantId: null,
    sku: null,
    title: options.title ?? `Item ${id}`,
    quantity,
    unitPrice: usd(unitPriceMinor, options.currency),
    totalDiscount: usd(options.discountMinor ?? 0, options.currency),
  };
}

export function order(id: string, lineItems: ShopifyLineItem[], overrides: Partial<ShopifyOrder> = {}): ShopifyOrder {
  const currency = overrides.totalPrice?.currency ?? 'USD';
  return {
    id,
    name: `#${id}`,
    createdAt: '2026-03-01T10:00:00Z',
    financialStatus: 'pending',
    customerId: null,
    totalPrice: usd(
      lineItems.reduce((total, item) => total + item.unitPrice.amountMinor * item.quantity - item.totalDiscount.amountMinor, 0),
      currency,
    ),
    lineItems,
    ...overrides,
  };
}

/** Refund lines with what Shopify says each refunded, in USD minor units after the line's discount. */
export function refund(
  id: string,
  lines: [refundLineId: string, lineItemId: string, quantity: number, subtotalMinor: number][],
): ShopifyRefund {
  return {
    id,
    createdAt: '2026-03-05T10:00:00Z',
    note: null,
    refundLineItems: lines.map(([refundLineId, lineItemId, quantity, subtotalMinor]) => ({
      id: refundLineId,
      lineItemId,
      quantity,
      restockType: 'cancel',
      subtotal: usd(subtotalMinor),
    })),
  };
}

export const refundCreated = (name: string, orderId: string, refunded: ShopifyRefund, at: string): ShopifyRefundCreated => ({
  metadata: metadata('shopify.refund.created', name, at),
  orderId,
  refund: refunded,
});

export const productUpserted = (name: string, productId: string, tags: string[], updatedAt: string | null): ShopifyProductUpserted => ({
  metadata: metadata('shopify.product.upserted', name, updatedAt ?? '2026-01-01T00:00:00Z'),
  change: 'updated',
  product: {
    id: productId,
    title: `Product ${productId}`,
    handle: null,
    status: 'active',
    vendor: null,
    productType: null,
    tags,
    createdAt: null,
    updatedAt,
    variants: [],
  },
});

const consignor = (id: string, rate: number) => ({
  id,
  clerkUserId: null,
  displayName: `Consignor ${id}`,
  email: `${id}@example.com`,
  firstName: null,
  lastName: null,
  commissionRateBasisPoints: rate,
  shopifyTag: `consignor:${id}`,
});

export const consignorRegistered = (name: string, consignorId: string, rate: number, at: string): ConsignorRegistered => ({
  metadata: metadata('consignor.registered', name, at, 'consignor-service'),
  consignor: consignor(consignorId, rate),
});

export const consignorUpdated = (name: string, consignorId: string, rate: number, at: string): ConsignorUpdated => ({
  metadata: metadata('consignor.updated', name, at, 'consignor-service'),
  consignor: consignor(consignorId, rate),
  changedFields: ['commissionRateBasisPoints'],
});

export const consignorDeactivated = (name: string, consignorId: string, at: string): ConsignorDeactivated => ({
  metadata: metadata('consignor.deactivated', name, at, 'consignor-service'),
  consignorId,
  reason: null,
});

export const orderCreated = (name: string, placed: ShopifyOrder): ShopifyOrderCreated => ({
  metadata: metadata('shopify.order.created', name, placed.createdAt),
  order: placed,
});

export const orderPaid = (name: string, paid: ShopifyOrder, at: string): ShopifyOrderPaid => ({
  metadata: metadata('shopify.order.paid', name, at),
  order: { ...paid, financialStatus: 'paid' },
  paidAt: at,
  totalOutstanding: usd(0, paid.totalPrice.currency),
});

export const orderUpdated = (name: string, updated: ShopifyOrder, at: string, refunds: ShopifyRefund[] = []): ShopifyOrderUpdated => ({
  metadata: metadata('shopify.order.updated', name, at),
  order: updated,
  updatedAt: at,
  fulfillmentStatus: null,
  cancelledAt: null,
  currentQuantities: Object.fromEntries(updated.lineItems.map((item) => [item.id, item.quantity])),
  currentTotalPrice: updated.totalPrice,
  refunds,
});

export const orderCancelled = (
  name: string,
  cancelled: ShopifyOrder,
  at: string,
  currentQuantities: Record<string, number>,
  refunds: ShopifyRefund[] = [],
): ShopifyOrderCancelled => ({
  metadata: metadata('shopify.order.cancelled', name, at),
  order: cancelled,
  cancelledAt: at,
  cancelReason: 'customer',
  currentQuantities: { ...Object.fromEntries(cancelled.lineItems.map((item) => [item.id, item.quantity])), ...currentQuantities },
  refunds,
});

/** A migrated database of its own for one scenario. */
export interface EarningsTestDatabase {
  dataSource: DataSource;
  apply(event: EarningsInputEvent): Promise<PlatformEvent[]>;
  /**
   * Applies the event in a transaction left open until `commit`: what a handler of another
   * partition, running at the same moment, would be racing.
   */
  applyUncommitted(event: EarningsInputEvent): Promise<{ published: PlatformEvent[]; commit(): Promise<void> }>;
  /** Resolves once a transaction of this database waits for a lock another one holds. */
  untilOneWaitsForALock(): Promise<void>;
  /** Every row that replays must reproduce (open exceptions and holds included), processing times left out. */
  snapshot(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}

export async function openEarningsDatabase(): Promise<EarningsTestDatabase> {
  const database: TemporaryDatabase = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_earnings_test');
  const dataSource = createServiceDataSource({
    url: database.url,
    tls: { mode: 'disable' },
    migrations: earningsMigrations,
    applicationName: 'earnings-test',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  return {
    dataSource,
    apply: (event) => dataSource.transaction((manager) => handleEarningsEvent(manager, event, tenant)),
    applyUncommitted: (event) =>
      new Promise((resolveApplied, rejectApplied) => {
        let letCommit = (): void => undefined;
        const commitAllowed = new Promise<void>((resolve) => (letCommit = resolve));
        const transaction = dataSource.transaction(async (manager) => {
          const published = await handleEarningsEvent(manager, event, tenant);
          resolveApplied({
            published,
            commit: async () => {
              letCommit();
              await transaction;
            },
          });
          await commitAllowed;
        });
        transaction.catch(rejectApplied);
      }),
    untilOneWaitsForALock: async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const waiting: unknown[] = await dataSource.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (waiting.length > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('no transaction waited for a lock within 5 s');
    },
    snapshot: async () => ({
      ledger: await dataSource.query(
        `SELECT id, tenant_id, entry_type, consignor_id, order_id, line_item_id, item_title, quantity, gross_minor::text, commission_rate_basis_points,
                consignor_share_minor::text, store_share_minor::text, currency, reverses_entry_id, reversal_reason, occurred_at, cause_event_id
         FROM earnings_ledger ORDER BY id`,
      ),
      totals: await dataSource.query('SELECT * FROM earnings_daily_totals ORDER BY tenant_id, consignor_id, day, currency'),
      payments: await dataSource.query('SELECT tenant_id, order_id, paid_at, event_id FROM order_payments ORDER BY tenant_id, order_id'),
      refundLines: await dataSource.query(
        'SELECT tenant_id, refund_line_item_id, refund_id, order_id, line_item_id, ledger_entry_id FROM reversed_refund_lines ORDER BY refund_line_item_id',
      ),
      orders: await dataSource.query(
        'SELECT tenant_id, order_id, order_name, currency, sold_at, event_id FROM earnings_orders ORDER BY order_id',
      ),
      openExceptions: await dataSource.query(
        'SELECT id, tenant_id, kind, order_id, line_item_id, consignor_id, detail, cause_event_id, occurred_at FROM earnings_exceptions WHERE resolved_at IS NULL ORDER BY id',
      ),
      heldLines: await dataSource.query(
        "SELECT tenant_id, order_id, line_item_id, awaiting, product_id, consignor_id, state FROM held_order_lines WHERE state <> 'applied' ORDER BY tenant_id, order_id, line_item_id",
      ),
    }),
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** The daily totals recomputed from the ledger and the order payments alone. */
export async function totalsRecomputedFromLedger(dataSource: DataSource): Promise<unknown[]> {
  return dataSource.query(`
    SELECT l.tenant_id, l.consignor_id, (l.occurred_at AT TIME ZONE 'UTC')::date::text AS day, l.currency,
      SUM(CASE WHEN l.entry_type = 'sale' AND p.order_id IS NULL THEN l.consignor_share_minor ELSE 0 END)::text AS pending_minor,
      SUM(CASE WHEN l.entry_type = 'sale' AND p.order_id IS NOT NULL THEN l.consignor_share_minor ELSE 0 END)::text AS earned_minor,
      SUM(CASE WHEN l.entry_type = 'reversal' THEN l.consignor_share_minor ELSE 0 END)::text AS reversed_minor,
      SUM(CASE WHEN l.entry_type = 'sale' THEN l.gross_minor ELSE 0 END)::text AS gross_sold_minor,
      SUM(CASE WHEN l.entry_type = 'reversal' THEN l.gross_minor ELSE 0 END)::text AS gross_reversed_minor,
      SUM(CASE WHEN l.entry_type = 'sale' THEN l.store_share_minor ELSE 0 END)::text AS store_share_sold_minor,
      SUM(CASE WHEN l.entry_type = 'reversal' THEN l.store_share_minor ELSE 0 END)::text AS store_share_reversed_minor
    FROM earnings_ledger l LEFT JOIN order_payments p ON p.tenant_id = l.tenant_id AND p.order_id = l.order_id
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
}

export async function storedTotals(dataSource: DataSource): Promise<unknown[]> {
  return dataSource.query(`
    SELECT tenant_id, consignor_id, day::text AS day, currency, pending_minor::text, earned_minor::text, reversed_minor::text, gross_sold_minor::text,
      gross_reversed_minor::text, store_share_sold_minor::text, store_share_reversed_minor::text
    FROM earnings_daily_totals ORDER BY 1, 2, 3, 4`);
}

/** Consignors c-1 (30 %), c-2 (50 %) and c-3 (deactivated on 1 February), their products p-1 to p-3, the store's p-store, and p-ghost of a consignor never registered. */
export const catalogue: EarningsInputEvent[] = [
  consignorRegistered('reg-c1', 'c-1', 3000, '2026-01-01T00:00:00Z'),
  consignorRegistered('reg-c2', 'c-2', 5000, '2026-01-01T00:00:00Z'),
  consignorRegistered('reg-c3', 'c-3', 3000, '2026-01-01T00:00:00Z'),
  consignorDeactivated('deact-c3', 'c-3', '2026-02-01T00:00:00Z'),
  productUpserted('prod-1', 'p-1', ['vintage', 'consignor:c-1'], '2026-01-02T00:00:00Z'),
  productUpserted('prod-2', 'p-2', ['Consignor:c-2'], '2026-01-02T00:00:00Z'),
  productUpserted('prod-3', 'p-3', ['consignor:c-3'], '2026-01-02T00:00:00Z'),
  productUpserted('prod-store', 'p-store', ['house'], '2026-01-02T00:00:00Z'),
  productUpserted('prod-ghost', 'p-ghost', ['consignor:c-ghost'], '2026-01-02T00:00:00Z'),
];

/** A migrated database of its own that has had the catalogue. */
export async function seeded(): Promise<EarningsTestDatabase> {
  const db = await openEarningsDatabase();
  for (const event of catalogue) await db.apply(event);
  return db;
}
