/** Quantiles of measured latencies, rounded for printing: `at(0.99)` is the p99; NaN when nothing was measured. */
export function quantiles(values: number[], decimals = 2): (quantile: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (quantile) => Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))] ?? NaN).toFixed(decimals));
}
