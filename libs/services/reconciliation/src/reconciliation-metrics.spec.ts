import { Registry } from 'prom-client';
import { discrepancyKinds } from './domain/discrepancies';
import { RunWithDiscrepancies } from './persistence/runs';
import { reconciliationMetrics } from './reconciliation-metrics';

const run = (
  status: RunWithDiscrepancies['status'],
  found: Partial<Record<(typeof discrepancyKinds)[number], number>> = {},
  finishedAt = '2026-12-06T10:00:00.000Z',
): RunWithDiscrepancies => ({
  id: 'run-1',
  tenantId: 'dev',
  windowFrom: '2026-12-06T09:00:00.000Z',
  windowTo: '2026-12-06T10:00:00.000Z',
  startedAt: '2026-12-06T09:59:00.000Z',
  finishedAt,
  status,
  error: status === 'failed' ? 'shopify.unreachable: down' : null,
  counts: {
    ...(Object.fromEntries(discrepancyKinds.map((kind) => [kind, 0])) as Record<(typeof discrepancyKinds)[number], number>),
    ...found,
  },
  trigger: 'schedule',
  actor: 'schedule',
  discrepancies: [],
});

describe('reconciliationMetrics', () => {
  it('counts runs by outcome and discrepancies by kind, and keeps the time of the last success', async () => {
    const registry = new Registry();
    const finished = reconciliationMetrics(registry);
    const before = await registry.metrics();
    expect(before).toMatch(/^consign_reconciliation_runs_total\{outcome="failed"\} 0$/m);
    expect(before).toMatch(/^consign_reconciliation_discrepancies_total\{kind="order_missing"\} 0$/m);
    expect(before).toMatch(/^consign_reconciliation_last_success_timestamp_seconds 0$/m);

    finished(run('succeeded', { order_missing: 2, earnings_mismatch: 1 }));
    finished(run('failed', {}, '2026-12-06T11:00:00.000Z'));
    finished(run('succeeded', { order_missing: 1 }, '2026-12-06T10:30:00.000Z'));
    finished(run('running'));

    const after = await registry.metrics();
    expect(after).toMatch(/^consign_reconciliation_runs_total\{outcome="succeeded"\} 2$/m);
    expect(after).toMatch(/^consign_reconciliation_runs_total\{outcome="failed"\} 1$/m);
    expect(after).not.toContain('outcome="running"');
    expect(after).toMatch(/^consign_reconciliation_discrepancies_total\{kind="order_missing"\} 3$/m);
    expect(after).toMatch(/^consign_reconciliation_discrepancies_total\{kind="earnings_mismatch"\} 1$/m);
    // A failed run, though later, does not move it.
    expect(after).toMatch(
      new RegExp(`^consign_reconciliation_last_success_timestamp_seconds ${Date.parse('2026-12-06T10:30:00.000Z') / 1000}$`, 'm'),
    );
  });
});
