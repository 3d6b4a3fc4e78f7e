import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parse } from 'yaml';

import { resolvePaths, resolveSettings } from './config';
import { alertRuleFiles, isMonitoringHealthy, monitoringStartSpec, prepareLocalMonitoring, writeShortenedRules } from './monitoring';
import { findOurProcess, startDetached, stopProcessGroup } from './process';
import { systemPackages } from './system-packages';
import { isPortInUse } from './util';

const silent = (): void => undefined;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-monitoring-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the alert rules a test shortens', () => {
  it("change only the named alert's `for:` and final threshold", () => {
    const [written] = writeShortenedRules(
      alertRuleFiles().filter((file) => file.endsWith('queue-backup.yml')),
      { ConsignConsumerLagRecordsHigh: { for: '5s', threshold: { from: 1000, to: 2 } } },
      dir,
    );
    type Rules = { groups: Array<{ rules: Array<{ alert: string; expr: string; for: string }> }> };
    const original = parse(fs.readFileSync(path.join(path.dirname(alertRuleFiles()[0] ?? ''), 'queue-backup.yml'), 'utf8')) as Rules;
    const shortened = parse(fs.readFileSync(written ?? '', 'utf8')) as Rules;
    const [before, otherBefore] = original.groups[0]?.rules ?? [];
    const [after, otherAfter] = shortened.groups[0]?.rules ?? [];
    expect(after?.for).toBe('5s');
    expect(after?.expr).toBe(before?.expr.trimEnd().replace(/> 1000$/, '> 2'));
    expect(otherAfter).toEqual(otherBefore);
  });

  it('refuse an alert that is not there, or a threshold the expression does not end with', () => {
    expect(() => writeShortenedRules(alertRuleFiles(), { NoSuchAlert: { for: '1s' } }, dir)).toThrow('no alert named NoSuchAlert');
    expect(() =>
      writeShortenedRules(alertRuleFiles(), { ConsignConsumerLagRecordsHigh: { for: '1s', threshold: { from: 999, to: 2 } } }, dir),
    ).toThrow('does not end with a comparison to 999');
  });
});

describe('the monitoring part of `up`', () => {
  it('lists Prometheus and Alertmanager among the packages `fetch` installs', () => {
    expect(systemPackages.map((entry) => entry.name)).toEqual(expect.arrayContaining(['prometheus', 'prometheus-alertmanager']));
  });

  it('starts Prometheus and Alertmanager under one tracked process with the rendered configs, and stops both', async () => {
    const paths = resolvePaths(path.join(dir, 'home'));
    const settings = resolveSettings({ ...process.env, PROMETHEUS_PORT: '19190', ALERTMANAGER_PORT: '19195' });
    await prepareLocalMonitoring(paths, settings, silent);
    const prometheus = fs.readFileSync(path.join(paths.monitoringRunDir, 'prometheus.yml'), 'utf8');
    expect(prometheus).toContain(`credentials_file: ${path.join(paths.monitoringRunDir, 'metrics-key')}`);
    expect(prometheus).not.toContain('dev-admin-key');
    expect(prometheus).toContain('127.0.0.1:19195');
    expect(fs.statSync(path.join(paths.monitoringRunDir, 'metrics-key')).mode & 0o077).toBe(0);
    const pid = startDetached(monitoringStartSpec(paths, settings), paths);
    try {
      const deadline = Date.now() + 30_000;
      while (!(await isMonitoringHealthy(settings)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await isMonitoringHealthy(settings)).toBe(true);
      expect(findOurProcess('monitoring', paths)).toBe(pid);
      const rules = (await (await fetch('http://127.0.0.1:19190/api/v1/rules')).json()) as {
        data: { groups: Array<{ rules: unknown[] }> };
      };
      expect(rules.data.groups.flatMap((group) => group.rules).length).toBeGreaterThanOrEqual(10);
    } finally {
      await stopProcessGroup(pid);
    }
    expect(await isPortInUse(19190)).toBe(false);
    expect(await isPortInUse(19195)).toBe(false);
  }, 60_000);
});
