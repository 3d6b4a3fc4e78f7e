import type { Registry } from 'prom-client';

/** The sum of a counter's or gauge's series whose labels include `labels` (all of them when none are given); 0 when it has none yet. */
export async function metricTotal(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  return (metric?.values ?? [])
    .filter((value) => Object.entries(labels).every(([label, expected]) => value.labels[label] === expected))
    .reduce((sum, value) => sum + Number(value.value), 0);
}

/** The sum of a histogram's `_count` (its observations) or `_sum` over its series whose labels include `labels`; 0 when it has none yet. */
export async function histogramTotal(
  registry: Registry,
  name: string,
  part: 'count' | 'sum',
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  return (metric?.values ?? [])
    .filter((value) => (value as { metricName?: string }).metricName === `${name}_${part}`)
    .filter((value) => Object.entries(labels).every(([label, expected]) => value.labels[label] === expected))
    .reduce((sum, value) => sum + Number(value.value), 0);
}
