import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { parse, stringify } from 'yaml';

import type { Paths, Settings } from './config';
import { markerArgs, type StartSpec } from './process';
import { ensureSystemPackages, systemPackages } from './system-packages';
import { ensureDir, InfraError, sleep, type Logger } from './util';

/**
 * Prometheus and Alertmanager from Debian's packages (`prometheus`, `prometheus-alertmanager`),
 * configured from monitoring/: the Prometheus config and the alert rules, and the Alertmanager
 * config that mails every alert. Both are rendered here, once, for `up monitoring` and for tests.
 */
export const monitoringDir = path.resolve(__dirname, '..', '..', '..', 'monitoring');
export const alertRulesDir = path.join(monitoringDir, 'prometheus', 'rules');
export const prometheusBinary = '/usr/bin/prometheus';
export const alertmanagerBinary = '/usr/bin/prometheus-alertmanager';

/** Installs Prometheus (with promtool) and Alertmanager when missing, as `fetch` does. */
export function ensureMonitoringPackages(log: Logger): void {
  ensureSystemPackages(
    log,
    systemPackages.filter((entry) => entry.name === 'prometheus' || entry.name === 'prometheus-alertmanager'),
  );
}

/** Every rule file in monitoring/prometheus/rules. */
export function alertRuleFiles(): string[] {
  return fs
    .readdirSync(alertRulesDir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => path.join(alertRulesDir, name));
}

export interface PrometheusConfigOptions {
  /** Job (app name) → host:port of its internal listener. Only these jobs are kept. */
  scrapeTargets: Record<string, string>;
  /** A file holding the API key with the `metrics` scope: Prometheus sends it as a bearer token. */
  metricsKeyFile: string;
  ruleFiles: string[];
  alertmanagerAddress: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Job → Prometheus `metric_relabel_configs`: a test keeps only its own consumer groups' series. */
  metricRelabelConfigs?: Record<string, Array<Record<string, unknown>>>;
}

interface ScrapeConfig {
  job_name: string;
  authorization?: { credentials_file?: string };
  static_configs: Array<{ targets: string[] }>;
}

/** monitoring/prometheus/prometheus.yml with these targets, rules and Alertmanager; absolute paths throughout. */
export function prometheusConfig(options: PrometheusConfigOptions): string {
  const config = parse(fs.readFileSync(path.join(monitoringDir, 'prometheus', 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: ScrapeConfig[];
  };
  const unknown = Object.keys(options.scrapeTargets).filter((job) => !config.scrape_configs.some((scrape) => scrape.job_name === job));
  if (unknown.length > 0) throw new InfraError(`monitoring/prometheus/prometheus.yml has no job ${unknown.join(', ')}`);
  if (options.scrapeInterval) config.global.scrape_interval = options.scrapeInterval;
  if (options.evaluationInterval) config.global.evaluation_interval = options.evaluationInterval;
  config.rule_files = options.ruleFiles;
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [options.alertmanagerAddress] }] }];
  config.scrape_configs = config.scrape_configs
    .filter((scrape) => options.scrapeTargets[scrape.job_name] !== undefined)
    .map((scrape) => ({
      ...scrape,
      authorization: { ...scrape.authorization, credentials_file: options.metricsKeyFile },
      static_configs: [{ targets: [options.scrapeTargets[scrape.job_name] as string] }],
      ...(options.metricRelabelConfigs?.[scrape.job_name] ? { metric_relabel_configs: options.metricRelabelConfigs[scrape.job_name] } : {}),
    }));
  return stringify(config);
}

/** Where Alertmanager mails: the development mail sink by default; a production relay with TLS and credentials. */
export interface AlertMailOptions {
  /** host:port of the SMTP server. */
  smarthost: string;
  from?: string;
  to?: string;
  /** STARTTLS required (a production relay); the mail sink speaks plain SMTP. */
  requireTls?: boolean;
  username?: string;
  /** A file holding the SMTP password: never the password itself in the config. */
  passwordFile?: string;
  /** The CA that signed the relay's certificate, when it is not publicly trusted. */
  caFile?: string;
}

export interface AlertmanagerConfigOptions {
  smtp: AlertMailOptions;
  /** Tests shorten Alertmanager's waits (30 s, 5 min, 4 h by default). */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

/** monitoring/alertmanager/alertmanager.yml with this SMTP server and, optionally, shorter waits. */
export function alertmanagerConfig(options: AlertmanagerConfigOptions): string {
  const config = parse(fs.readFileSync(path.join(monitoringDir, 'alertmanager', 'alertmanager.yml'), 'utf8')) as {
    global: Record<string, unknown>;
    route: Record<string, unknown>;
    receivers: Array<{ name: string; email_configs: Array<Record<string, unknown>> }>;
  };
  const { smtp } = options;
  config.global.smtp_smarthost = smtp.smarthost;
  if (smtp.from) config.global.smtp_from = smtp.from;
  config.global.smtp_require_tls = smtp.requireTls ?? false;
  if (options.groupWait) config.route.group_wait = options.groupWait;
  if (options.groupInterval) config.route.group_interval = options.groupInterval;
  if (options.repeatInterval) config.route.repeat_interval = options.repeatInterval;
  for (const receiver of config.receivers) {
    for (const email of receiver.email_configs) {
      if (smtp.to) email.to = smtp.to;
      email.require_tls = smtp.requireTls ?? false;
      if (smtp.username) email.auth_username = smtp.username;
      if (smtp.passwordFile) email.auth_password_file = smtp.passwordFile;
      if (smtp.caFile) email.tls_config = { ca_file: smtp.caFile };
    }
  }
  return stringify(config);
}

/** A shorter `for:` and threshold for one alert, for a test that cannot wait ten minutes. */
export interface RuleShortening {
  for: string;
  /** The threshold the expression ends with (`> 1000`), and the one to use instead. */
  threshold?: { from: number; to: number };
}

/**
 * The rule files with some alerts' `for:` and final threshold replaced, written into `dir`; every
 * other character of every expression stays as it is in monitoring/. Fails when an alert is
 * missing or its expression does not end with the stated threshold, so a test cannot drift from
 * the rules it claims to exercise.
 */
export function writeShortenedRules(ruleFiles: string[], shortenings: Record<string, RuleShortening>, dir: string): string[] {
  const pending = new Set(Object.keys(shortenings));
  const written = ruleFiles.map((file) => {
    const document = parse(fs.readFileSync(file, 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; expr: string; for?: string }> }>;
    };
    for (const rule of document.groups.flatMap((group) => group.rules)) {
      const shortening = rule.alert === undefined ? undefined : shortenings[rule.alert];
      if (shortening === undefined || rule.alert === undefined) continue;
      pending.delete(rule.alert);
      rule.for = shortening.for;
      if (shortening.threshold) {
        const expr = rule.expr.trimEnd();
        const ending = new RegExp(`([<>]=?|[!=]=)\\s*${shortening.threshold.from.toString().replace('.', '\\.')}$`);
        if (!ending.test(expr))
          throw new InfraError(`${rule.alert}: the expression does not end with a comparison to ${shortening.threshold.from}`);
        rule.expr = expr.replace(ending, (_all, operator: string) => `${operator} ${shortening.threshold?.to}`);
      }
    }
    const target = path.join(dir, path.basename(file));
    fs.writeFileSync(target, stringify(document));
    return target;
  });
  if (pending.size > 0) throw new InfraError(`no alert named ${[...pending].join(', ')} in ${ruleFiles.join(', ')}`);
  return written;
}

export interface MonitoringStackOptions extends Omit<PrometheusConfigOptions, 'metricsKeyFile' | 'ruleFiles' | 'alertmanagerAddress'> {
  /** The API key with the `metrics` scope; written to a file only Prometheus reads. */
  metricsKey: string;
  /** Default: every file in monitoring/prometheus/rules. */
  ruleFiles?: string[];
  /** Alerts whose `for:` and threshold a test shortens (see writeShortenedRules). */
  shortenRules?: Record<string, RuleShortening>;
  alertmanager: AlertmanagerConfigOptions;
  /** Default: free ports. */
  prometheusPort?: number;
  alertmanagerPort?: number;
  log?: Logger;
}

export interface MonitoringStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** Its own folder: configs, the key file, rules and both data folders; removed by stop(). */
  dir: string;
  /** The alerts Prometheus holds now, as its API lists them. */
  alerts(): Promise<Array<{ labels: Record<string, string>; state: string; value: string }>>;
  /** Both processes' output, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(name: string, url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new InfraError(`${name} exited with ${child.exitCode}:\n${output().slice(-3000)}`);
    const ready = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await sleep(200);
  }
  throw new InfraError(`${name} not ready at ${url} within ${timeoutMs} ms:\n${output().slice(-3000)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Prometheus and Alertmanager for a test: their own folder and free ports, scraping the given
 * targets with the real rules, mailing through `alertmanager.smtp`. Installs the Debian packages
 * first when missing (as root; otherwise fails naming the command).
 */
export async function startMonitoringStack(options: MonitoringStackOptions): Promise<MonitoringStack> {
  const log = options.log ?? (() => undefined);
  ensureMonitoringPackages(log);
  for (const binary of [prometheusBinary, alertmanagerBinary]) {
    if (!fs.existsSync(binary)) throw new InfraError(`${binary} is missing: apt-get install -y prometheus prometheus-alertmanager`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consign-monitoring-'));
  const keyFile = path.join(dir, 'metrics-key');
  fs.writeFileSync(keyFile, options.metricsKey, { mode: 0o600 });
  const rulesDir = path.join(dir, 'rules');
  fs.mkdirSync(rulesDir);
  const ruleFiles = writeShortenedRules(options.ruleFiles ?? alertRuleFiles(), options.shortenRules ?? {}, rulesDir);
  const prometheusPort = options.prometheusPort ?? (await freePort());
  const alertmanagerPort = options.alertmanagerPort ?? (await freePort());
  const alertmanagerAddress = `127.0.0.1:${alertmanagerPort}`;
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    prometheusConfig({ ...options, metricsKeyFile: keyFile, ruleFiles, alertmanagerAddress }),
  );
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanagerConfig(options.alertmanager));

  let output = '';
  const run = (name: string, binary: string, args: string[]): ChildProcess => {
    const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      output = `${output}[${name}] ${chunk.toString()}`.slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  };
  const alertmanager = run('alertmanager', alertmanagerBinary, [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'alertmanager-data')}`,
    `--web.listen-address=${alertmanagerAddress}`,
    // No cluster of Alertmanagers here; its default gossip port, 9094, is the local Kafka's SASL_SSL listener.
    '--cluster.listen-address=',
  ]);
  const prometheus = run('prometheus', prometheusBinary, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'prometheus-data')}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
  ]);
  const stop = async (): Promise<void> => {
    await Promise.all([stopChild(prometheus), stopChild(alertmanager)]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  const alertmanagerUrl = `http://${alertmanagerAddress}`;
  try {
    await waitUntilReady('Alertmanager', `${alertmanagerUrl}/-/ready`, alertmanager, () => output);
    await waitUntilReady('Prometheus', `${prometheusUrl}/-/ready`, prometheus, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Prometheus at ${prometheusUrl}, Alertmanager at ${alertmanagerUrl} (${dir})`);
  return {
    prometheusUrl,
    alertmanagerUrl,
    dir,
    output: () => output,
    async alerts() {
      const response = await fetch(`${prometheusUrl}/api/v1/alerts`);
      if (!response.ok) throw new InfraError(`Prometheus answered /api/v1/alerts with ${response.status}`);
      return ((await response.json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: string; value: string }> } }).data
        .alerts;
    },
    stop,
  };
}

/** The apps' development key (developmentAdminKey of libs/platform/service-runtime, which infra may not import; a check holds the two equal). */
export const developmentMetricsKey = 'dev-admin-key';

/**
 * The `monitoring` part of `up`: the rendered configs in .run/monitoring, scraping the apps on
 * their default ports (what `npm start` runs) with the development key from a file, mailing the
 * mail sink (or the SMTP server SMTP_URL names).
 */
export async function prepareLocalMonitoring(paths: Paths, s: Settings, log: Logger): Promise<void> {
  ensureMonitoringPackages(log);
  const dir = paths.monitoringRunDir;
  ensureDir(dir);
  const keyFile = path.join(dir, 'metrics-key');
  fs.writeFileSync(keyFile, developmentMetricsKey, { mode: 0o600 });
  const template = parse(fs.readFileSync(path.join(monitoringDir, 'prometheus', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: ScrapeConfig[];
  };
  const scrapeTargets = Object.fromEntries(
    template.scrape_configs.map((scrape) => [scrape.job_name, scrape.static_configs[0]?.targets[0] ?? '']),
  );
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    prometheusConfig({
      scrapeTargets,
      metricsKeyFile: keyFile,
      ruleFiles: alertRuleFiles(),
      alertmanagerAddress: `${s.host}:${s.alertmanagerPort}`,
    }),
  );
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanagerConfig({ smtp: { smarthost: new URL(s.smtpUrl).host } }));
}

/**
 * Both servers under one shell, which carries the markers `up` recognises its processes by (the
 * Go binaries refuse arguments they do not know); stopping the process group stops all three, the
 * shell last.
 */
export function monitoringStartSpec(paths: Paths, s: Settings): StartSpec {
  const script = [
    '"$PROMETHEUS" --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/prometheus-data" --web.listen-address="$PROMETHEUS_ADDRESS" &',
    // No Alertmanager cluster: its gossip port, 9094, is the local Kafka's SASL_SSL listener.
    '"$ALERTMANAGER" --config.file="$DIR/alertmanager.yml" --storage.path="$DIR/alertmanager-data" --web.listen-address="$ALERTMANAGER_ADDRESS" --cluster.listen-address= &',
    // Signalled with its group, the shell outlives both servers: whoever waits for it to stop
    // (`down`, the tests) then finds their ports free.
    "trap 'wait; exit 0' TERM INT",
    'wait',
  ].join('\n');
  return {
    part: 'monitoring',
    command: '/bin/sh',
    args: ['-c', script, 'consign-monitoring', ...markerArgs('monitoring', paths)],
    env: {
      PATH: process.env['PATH'],
      PROMETHEUS: prometheusBinary,
      ALERTMANAGER: alertmanagerBinary,
      DIR: paths.monitoringRunDir,
      PROMETHEUS_ADDRESS: `${s.host}:${s.prometheusPort}`,
      ALERTMANAGER_ADDRESS: `${s.host}:${s.alertmanagerPort}`,
    },
    cwd: paths.monitoringRunDir,
  };
}

/** Healthy = both answer their readiness endpoint. */
export async function isMonitoringHealthy(s: Settings): Promise<boolean> {
  const ready = (port: number): Promise<boolean> =>
    fetch(`http://${s.host}:${port}/-/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
  return (await Promise.all([ready(s.prometheusPort), ready(s.alertmanagerPort)])).every(Boolean);
}
