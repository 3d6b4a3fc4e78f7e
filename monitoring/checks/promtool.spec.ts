import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alertmanagerConfig,
  alertRuleFiles,
  developmentMetricsKey,
  ensureMonitoringPackages,
  prometheusConfig,
} from '@consign/infra-local';
import { developmentAdminKey } from '@consign/service-runtime';
import { rulesDir, testsDir, ymlFiles } from './support/alert-rules';

/**
 * promtool, from Debian's `prometheus` package (installed here when missing, as `npm run
 * infra:fetch` does): the rule files parse, and every rule's unit tests pass. A failure shows the
 * tool's own output.
 */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}${result.error?.message ?? ''}` };
}

beforeAll(() => {
  ensureMonitoringPackages((line) => console.log(`[alerting] ${line}`));
});

describe('the alert rules under promtool', () => {
  it('pass `promtool check rules`', () => {
    const result = run('promtool', ['check', 'rules', ...ymlFiles(rulesDir)]);
    expect(result.output).toContain('SUCCESS');
    if (result.status !== 0) throw new Error(result.output);
  });

  it('pass their unit tests (`promtool test rules`)', () => {
    const result = run('promtool', ['test', 'rules', ...ymlFiles(testsDir)]);
    if (result.status !== 0) throw new Error(result.output);
    expect(result.output).not.toContain('FAILED');
  });

  it('are the files the rendered Prometheus config loads, and that config passes `promtool check config`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerting-check-'));
    try {
      writeFileSync(join(dir, 'metrics-key'), 'not-a-real-key');
      const config = prometheusConfig({
        scrapeTargets: { gateway: '127.0.0.1:3010', reconciler: '127.0.0.1:3005' },
        metricsKeyFile: join(dir, 'metrics-key'),
        ruleFiles: alertRuleFiles(),
        alertmanagerAddress: '127.0.0.1:9095',
      });
      expect(config).not.toContain('not-a-real-key');
      writeFileSync(join(dir, 'prometheus.yml'), config);
      const result = run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      if (result.status !== 0) throw new Error(result.output);
      expect(alertRuleFiles()).toEqual(ymlFiles(rulesDir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are scraped locally (`up monitoring`) with the apps' development key", () => {
    expect(developmentMetricsKey).toBe(developmentAdminKey);
  });

  it('mail through an Alertmanager config that amtool accepts, for the mail sink and for a relay with TLS and credentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerting-check-'));
    try {
      const development = alertmanagerConfig({ smtp: { smarthost: '127.0.0.1:1025' } });
      const production = alertmanagerConfig({
        smtp: {
          smarthost: 'smtp.example.com:587',
          from: 'alerts@example.com',
          to: 'oncall@example.com',
          requireTls: true,
          username: 'alerts',
          passwordFile: '/run/secrets/smtp-password',
          caFile: '/etc/ssl/relay-ca.pem',
        },
      });
      expect(production).toContain('auth_password_file: /run/secrets/smtp-password');
      expect(production).toMatch(/require_tls: true/);
      for (const [name, config] of [
        ['development', development],
        ['production', production],
      ] as const) {
        writeFileSync(join(dir, `${name}.yml`), config);
        const result = run('amtool', ['check-config', join(dir, `${name}.yml`)]);
        if (result.status !== 0) throw new Error(result.output);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
