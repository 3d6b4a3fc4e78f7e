import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricCatalogue, seriesNames } from '@consign/telemetry';
import { alertRules, anchorOf, groupingLabelsIn, parseSeries, ruleTests, selectorsIn } from './support/alert-rules';

/**
 * What every alert must carry for the operator who receives it (a severity, a summary, a
 * description and a runbook in docs/troubleshooting.md), that each has unit tests which see it
 * fire and stay quiet, and that the rules and their tests only use metrics the apps export.
 */
const rules = alertRules();
const troubleshooting = readFileSync(join(__dirname, '../../docs/troubleshooting.md'), 'utf8');
const alertsSection = troubleshooting.slice(
  troubleshooting.indexOf('\n## Alerts\n'),
  troubleshooting.indexOf('\n## ', troubleshooting.indexOf('\n## Alerts\n') + 1),
);

/** Prometheus' own series, and prom-client's default process metrics, which every app exports too. */
const standardSeries = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE', 'process_start_time_seconds']);
/** The labels Prometheus adds to every scraped series. */
const targetLabels = ['job', 'instance'];
const catalogued = new Map(metricCatalogue.flatMap((metric) => seriesNames(metric).map((series) => [series, metric] as const)));

describe('the alert rules', () => {
  it('exist, with unique names', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s has a severity, a summary, a description and a runbook', (_alert, rule) => {
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toEqual(expect.any(String));
    expect(rule.annotations?.description).toEqual(expect.any(String));
    expect(rule.annotations?.runbook_url).toBe(`docs/troubleshooting.md#${rule.alert.toLowerCase()}`);
  });

  it.each(rules.map((rule) => [rule.alert] as const))(
    '%s has its runbook in the Alerts section of docs/troubleshooting.md: meaning, checks, actions',
    (alert) => {
      const headings = [...alertsSection.matchAll(/^#{3,4} (.+)$/gm)].map(([, heading]) => heading as string);
      const heading = headings.find((candidate) => anchorOf(candidate) === alert.toLowerCase());
      expect(heading).toBeDefined();
      const start = alertsSection.indexOf(`### ${heading}\n`);
      const entry = alertsSection.slice(
        start,
        alertsSection.indexOf('\n### ', start + 1) >= 0 ? alertsSection.indexOf('\n### ', start + 1) : undefined,
      );
      for (const part of ['**What it means.**', '**What to check.**', '**What to do.**']) expect(entry).toContain(part);
    },
  );

  it('have no runbook entry without an alert', () => {
    const headings = [...alertsSection.matchAll(/^### (Consign\w+)$/gm)].map(([, heading]) => heading);
    expect(headings.sort()).toEqual(rules.map((rule) => rule.alert).sort());
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s uses only catalogued metrics and their labels', (_alert, rule) => {
    const selectors = selectorsIn(rule.expr);
    expect(selectors.length).toBeGreaterThan(0);
    for (const { metric, labels } of selectors) {
      if (standardSeries.has(metric)) continue;
      const definition = catalogued.get(metric);
      expect({ metric, catalogued: definition !== undefined }).toEqual({ metric, catalogued: true });
      const known = [
        ...(definition?.labels ?? []),
        ...targetLabels,
        ...(definition?.type === 'histogram' && metric.endsWith('_bucket') ? ['le'] : []),
      ];
      expect({ metric, unknownLabels: labels.filter((label) => !known.includes(label)) }).toEqual({ metric, unknownLabels: [] });
    }
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s groups only by labels its metrics have', (_alert, rule) => {
    const { grouping, created } = groupingLabelsIn(rule.expr);
    const available = new Set([
      ...targetLabels,
      ...created,
      ...selectorsIn(rule.expr).flatMap(({ metric }) => catalogued.get(metric)?.labels ?? []),
    ]);
    expect(grouping.filter((label) => !available.has(label))).toEqual([]);
  });

  it('are exercised by tests whose input series are catalogued metrics with their labels', () => {
    for (const file of ruleTests()) {
      for (const test of file.tests) {
        for (const input of test.input_series) {
          const { metric, labels } = parseSeries(input.series);
          if (standardSeries.has(metric)) continue;
          const definition = catalogued.get(metric);
          expect({ series: input.series, catalogued: definition !== undefined }).toEqual({ series: input.series, catalogued: true });
          expect({
            series: input.series,
            unknownLabels: labels.filter((label) => ![...(definition?.labels ?? []), ...targetLabels].includes(label)),
          }).toEqual({ series: input.series, unknownLabels: [] });
        }
      }
    }
  });

  it.each(rules.map((rule) => [rule.alert] as const))('%s has a unit test that sees it fire and one that sees it quiet', (alert) => {
    const checks = ruleTests()
      .flatMap((file) => file.tests.flatMap((test) => test.alert_rule_test ?? []))
      .filter((check) => check.alertname === alert);
    expect(checks.some((check) => (check.exp_alerts ?? []).length > 0)).toBe(true);
    expect(checks.some((check) => (check.exp_alerts ?? []).length === 0)).toBe(true);
  });

  it("wait for twice the reconciler's documented schedule before saying no run succeeded", () => {
    const overdue = rules.find((rule) => rule.alert === 'ConsignReconciliationOverdue');
    const schedule = /^\| `RECONCILER_SCHEDULE` \| `(\d+)([smhd])` \|/m.exec(
      readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8'),
    );
    expect(schedule).not.toBeNull();
    const seconds = Number(schedule?.[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[schedule?.[2] as 's' | 'm' | 'h' | 'd'];
    const thresholds = [...(overdue?.expr ?? '').matchAll(/>\s*(\d+)/g)].map(([, value]) => Number(value));
    expect(thresholds).toEqual([2 * seconds, 2 * seconds]);
  });
});
