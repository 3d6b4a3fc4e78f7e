import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const rulesDir = join(__dirname, '../../prometheus/rules');
export const testsDir = join(__dirname, '../../prometheus/tests');

export interface AlertRule {
  file: string;
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function ymlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name));
}

/** Every alerting rule of monitoring/prometheus/rules, with the file it is in. */
export function alertRules(): AlertRule[] {
  return ymlFiles(rulesDir).flatMap((file) => {
    const document = parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<Omit<AlertRule, 'file'>> }> };
    return document.groups.flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined).map((rule) => ({ ...rule, file })));
  });
}

export interface RuleTestFile {
  file: string;
  rule_files: string[];
  tests: Array<{
    name?: string;
    input_series: Array<{ series: string; values: string }>;
    alert_rule_test?: Array<{ alertname: string; eval_time: string; exp_alerts?: unknown[] }>;
  }>;
}

export function ruleTests(): RuleTestFile[] {
  return ymlFiles(testsDir).map((file) => ({ ...(parse(readFileSync(file, 'utf8')) as Omit<RuleTestFile, 'file'>), file }));
}

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric selectors of a PromQL expression: each metric name with the label names its matchers
 * use. Strings, durations, grouping clauses and function names are not metrics.
 */
export function selectorsIn(expr: string): Array<{ metric: string; labels: string[] }> {
  const selectors: Array<{ metric: string; labels: string[] }> = [];
  const withoutGrouping = expr.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // A selector is a name, optionally followed by {matchers}; its matchers' strings may hold any character.
  const selector = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})?\s*(\()?/g;
  const stringsBlanked = (text: string): string => text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const source = withoutGrouping.replace(/\[[^\]]*\]/g, ' ');
  // Strings outside selectors (label_replace's arguments) are blanked first; matchers keep theirs as "".
  for (const match of stringsBlanked(source).matchAll(selector)) {
    const [, name, matchers, call] = match;
    if (name === undefined || call !== undefined || keywords.has(name.toLowerCase())) continue;
    const labels =
      matchers === undefined ? [] : [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(([, label]) => label as string);
    selectors.push({ metric: name, labels });
  }
  return selectors;
}

/** The labels an expression groups or matches on (`by (...)`, `on (...)`), and those label_replace creates. */
export function groupingLabelsIn(expr: string): { grouping: string[]; created: string[] } {
  const grouping = [...expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)].flatMap(([, list]) =>
    (list ?? '')
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label !== ''),
  );
  const created = [...expr.matchAll(/label_replace\([\s\S]*?,\s*"([a-zA-Z_][a-zA-Z0-9_]*)"/g)].map(([, label]) => label as string);
  return { grouping, created };
}

/** A promtool input series: its metric name and label names. */
export function parseSeries(series: string): { metric: string; labels: string[] } {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{.*\})?$/.exec(series.trim());
  if (!match?.[1]) throw new Error(`not a series: ${series}`);
  const labels = match[2] === undefined ? [] : [...match[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=/g)].map(([, label]) => label as string);
  return { metric: match[1], labels };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
