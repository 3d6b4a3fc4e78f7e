import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricCatalogue, seriesNames } from '@consign/telemetry';

/**
 * The Grafana dashboard (monitoring/grafana/consign-overview.json) may only query what the apps
 * export: the catalogue's series, which the walk-through end-to-end test finds on every app's
 * /metrics. A renamed metric then fails here, not on an operator's blank panel.
 */
interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(join(__dirname, '../grafana/consign-overview.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ type: string }> };
};
const exported = new Set(metricCatalogue.flatMap(seriesNames));

function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\bconsign_[a-z0-9_]+/g)].map(([name]) => name);
}

describe('the Grafana dashboard', () => {
  it.each(dashboard.panels.map((panel) => [panel.title, panel] as const))('"%s" queries only metrics the apps export', (_title, panel) => {
    const names = (panel.targets ?? []).flatMap((target) => metricNamesIn(target.expr));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('covers throughput, success rate, acknowledgement latency, lag, dead letters, spool, outbox, emails and reconciliation', () => {
    const queried = new Set(dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNamesIn(target.expr))));
    for (const name of [
      'consign_webhook_deliveries_total',
      'consign_webhook_ack_duration_seconds_bucket',
      'consign_consumer_group_lag_records',
      'consign_consumer_group_lag_seconds',
      'consign_consumer_dead_letters_total',
      'consign_dead_letter_records',
      'consign_spool_deliveries',
      'consign_outbox_oldest_age_seconds',
      'consign_emails_total',
      'consign_reconciliation_last_success_timestamp_seconds',
    ]) {
      expect(queried).toContain(name);
    }
  });

  it('is provisionable anywhere: a fixed uid, and the Prometheus data source chosen on import', () => {
    expect(dashboard.uid).toBe('consign-overview');
    expect(dashboard.templating.list).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'datasource' })]));
    expect(JSON.stringify(dashboard.panels)).not.toMatch(/"uid":"(?!\$\{datasource\})/);
  });
});
