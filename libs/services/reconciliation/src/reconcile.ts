import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PlatformError, toPlatformError } from '@consign/errors';
import { EventCodec } from '@consign/kafka';
import { recordOperatorAction } from '@consign/operations';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { compareBooksWithStock, compareEarnings, compareOrder, compareProduct, FoundDiscrepancy } from './domain/discrepancies';
import { ShopifyOrderState, ShopifyProductState } from './domain/shopify-state';
import { LocalReadApi } from './local/local-read-api';
import { completeRun, failRun, findRun, RunTrigger, RunWithDiscrepancies, startRun } from './persistence/runs';

/** What the reconciler reads of one shop. */
export interface ShopifyReader {
  ordersUpdatedBetween(from: Date, to: Date): Promise<ShopifyOrderState[]>;
  products(): Promise<ShopifyProductState[]>;
}

/** Everything a reconciliation or a repair needs; the app and the operator CLI compose it. */
export interface ReconciliationDeps {
  /** The reconciler's database (runs, discrepancies, outbox, audit log), migrated with reconciliationMigrations. */
  dataSource: DataSource;
  tenants: TenantDirectory;
  shopifyReaderFor(tenant: Tenant): ShopifyReader;
  local: LocalReadApi;
  /** Encodes repairs into the outbox; the four Shopify event schemas must be registered with it. */
  codec: EventCodec;
  now?: () => Date;
  /** Told of every finished run, whatever its trigger (reconciliationMetrics). */
  onRunFinished?: (run: RunWithDiscrepancies) => void;
}

export interface ReconciliationRequest {
  tenantId: string;
  from: Date;
  to: Date;
  trigger: RunTrigger;
  actor: string;
}

/** How many local reads run at once: enough to be quick, few enough not to load the services. */
const localReadConcurrency = 8;

/**
 * Compares one tenant's Shopify state (orders updated in the window, every product) with the
 * local projections and stores the run with what it found. A read that fails (Shopify, or a
 * service down) fails the run with that reason and stores no discrepancies: what could not be
 * seen is not reported as different. Runs asked for by an operator (cli, http) leave an audit row.
 */
export async function runReconciliation(deps: ReconciliationDeps, request: ReconciliationRequest): Promise<RunWithDiscrepancies> {
  const now = deps.now ?? (() => new Date());
  const tenant = deps.tenants.requireById(request.tenantId);
  if (!(request.from < request.to)) {
    throw new PlatformError('the window must start before it ends', {
      code: 'reconciliation.invalid_window',
      category: 'invalid',
      httpStatus: 400,
      details: { from: request.from, to: request.to },
    });
  }
  const runId = randomUUID();
  const startedAt = now();
  await startRun(deps.dataSource, {
    id: runId,
    tenantId: tenant.id,
    from: request.from,
    to: request.to,
    startedAt,
    trigger: request.trigger,
    actor: request.actor,
  });
  let error: string | undefined;
  try {
    await completeRun(deps.dataSource, runId, await findDiscrepancies(deps, tenant, request), now());
  } catch (caught) {
    const failure = toPlatformError(caught);
    error = `${failure.code}: ${failure.message}`;
    await failRun(deps.dataSource, runId, error, now());
  }
  const run = (await findRun(deps.dataSource, runId)) as RunWithDiscrepancies;
  deps.onRunFinished?.(run);
  if (request.trigger !== 'schedule') {
    await recordOperatorAction(deps.dataSource, {
      actor: request.actor,
      action: 'reconciliation.run',
      parameters: { tenantId: tenant.id, from: request.from.toISOString(), to: request.to.toISOString(), trigger: request.trigger },
      outcome: error === undefined ? 'succeeded' : 'failed',
      result: { runId, counts: run.counts },
      error,
      app: 'reconciler',
      startedAt,
    });
  }
  return run;
}

async function findDiscrepancies(deps: ReconciliationDeps, tenant: Tenant, request: ReconciliationRequest): Promise<FoundDiscrepancy[]> {
  const shopify = deps.shopifyReaderFor(tenant);
  const orders = await shopify.ordersUpdatedBetween(request.from, request.to);
  const products = await shopify.products();
  const orderFindings = await mapWithLimit(orders, async (order) => {
    const stock = await deps.local.inventoryOrder(tenant.id, order.order.id);
    const orderFound = compareOrder(order, stock);
    // An order missing or differently cancelled is repaired as a whole; its earnings follow that repair.
    if (orderFound.length > 0) return orderFound;
    const books = await deps.local.orderEarnings(tenant.id, order.order.id);
    return [...compareEarnings(order, books, tenant.consignorTagPrefix), ...compareBooksWithStock(order.order.id, stock, books)];
  });
  const productFindings = await mapWithLimit(products, async (product) =>
    compareProduct(product, await deps.local.inventoryProduct(tenant.id, product.product.id)),
  );
  return [...orderFindings.flat(), ...productFindings.flat()];
}

async function mapWithLimit<T, R>(items: readonly T[], map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(localReadConcurrency, items.length) }, worker));
  return results;
}
