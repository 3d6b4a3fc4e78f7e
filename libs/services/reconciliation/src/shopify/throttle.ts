/** Shopify's `extensions.cost` on every Admin GraphQL answer. */
export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** The shop's leaky bucket of query points as Shopify reported it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/**
 * How long to wait before a query of `requestedCost` points can run, given the bucket as Shopify
 * reported it `elapsedMs` ago (it refills at restoreRate meanwhile): (requested − available) /
 * restoreRate seconds, zero when enough points are available.
 */
export function waitBeforeQueryMs(requestedCost: number, status: ThrottleStatus, elapsedMs = 0): number {
  const available = Math.min(status.maximumAvailable, status.currentlyAvailable + (status.restoreRate * elapsedMs) / 1000);
  if (available >= requestedCost || status.restoreRate <= 0) return 0;
  return Math.ceil(((requestedCost - available) / status.restoreRate) * 1000);
}
