import { Counter, Histogram, Registry } from 'prom-client';
import { histogramTotal, metricTotal } from './metric-total';

describe('metric totals in a registry', () => {
  const registry = new Registry();
  const counter = new Counter({ name: 'test_things_total', help: 'things', labelNames: ['topic'], registers: [registry] });
  const histogram = new Histogram({ name: 'test_sizes', help: 'sizes', labelNames: ['topic'], buckets: [1, 10], registers: [registry] });
  counter.inc({ topic: 'a' }, 2);
  counter.inc({ topic: 'b' }, 3);
  histogram.observe({ topic: 'a' }, 4);
  histogram.observe({ topic: 'b' }, 5);
  histogram.observe({ topic: 'b' }, 20);

  it("sums a counter's series, or those with the labels given", async () => {
    expect(await metricTotal(registry, 'test_things_total')).toBe(5);
    expect(await metricTotal(registry, 'test_things_total', { topic: 'b' })).toBe(3);
    expect(await metricTotal(registry, 'test_missing_total')).toBe(0);
  });

  it("sums a histogram's observations or their sum over every series, or those with the labels given", async () => {
    expect(await histogramTotal(registry, 'test_sizes', 'count')).toBe(3);
    expect(await histogramTotal(registry, 'test_sizes', 'sum')).toBe(29);
    expect(await histogramTotal(registry, 'test_sizes', 'count', { topic: 'b' })).toBe(2);
    expect(await histogramTotal(registry, 'test_missing', 'count')).toBe(0);
  });
});
