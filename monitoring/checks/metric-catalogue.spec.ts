import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricCatalogue, metricCatalogueMarkdown } from '@consign/telemetry';

/**
 * The metric catalogue (libs/platform/telemetry/src/metric-catalogue.ts) follows Prometheus' naming rules,
 * and docs/metrics.md is generated from it (UPDATE_METRICS_DOC=1 rewrites the page).
 */
const page = join(__dirname, '../../docs/metrics.md');

describe('the metric catalogue', () => {
  it('names each metric once, with the platform prefix, in base units, counters ending in _total', () => {
    const names = metricCatalogue.map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of metricCatalogue) {
      expect(metric.name).toMatch(/^consign_[a-z0-9_]+$/);
      expect({ name: metric.name, total: metric.name.endsWith('_total') }).toEqual({ name: metric.name, total: metric.type === 'counter' });
      expect(metric.name).not.toMatch(/_(milliseconds|ms|minutes|hours|bytes_kb|kilobytes)(_|$)/);
      expect(metric.help.length).toBeGreaterThan(10);
      expect(metric.exportedBy.length).toBeGreaterThan(0);
    }
  });

  it("keeps the app out of the labels (Prometheus' job says which app) and le out of histograms' own labels", () => {
    for (const metric of metricCatalogue) {
      expect({ name: metric.name, labels: metric.labels.filter((label) => ['service', 'job', 'instance', 'le'].includes(label)) }).toEqual({
        name: metric.name,
        labels: [],
      });
    }
  });

  it('is what docs/metrics.md shows', () => {
    const expected = metricCatalogueMarkdown();
    if (process.env.UPDATE_METRICS_DOC === '1') writeFileSync(page, expected);
    expect(readFileSync(page, 'utf8')).toBe(expected);
  });
});
