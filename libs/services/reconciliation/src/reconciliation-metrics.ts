import { Counter, Gauge, Registry } from 'prom-client';
import { discrepancyKinds } from './domain/discrepancies';
import { RunWithDiscrepancies } from './persistence/runs';

/**
 * consign_reconciliation_runs_total{outcome}, consign_reconciliation_discrepancies_total{kind} and
 * consign_reconciliation_last_success_timestamp_seconds, as the ReconciliationDeps.onRunFinished
 * that feeds them. Every label value is present from the start, so rates are 0 rather than absent.
 */
export function reconciliationMetrics(registry: Registry): (run: RunWithDiscrepancies) => void {
  const runs = new Counter({
    name: 'consign_reconciliation_runs_total',
    help: 'Reconciliation runs finished, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const discrepancies = new Counter({
    name: 'consign_reconciliation_discrepancies_total',
    help: 'Discrepancies found by reconciliation runs, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'consign_reconciliation_last_success_timestamp_seconds',
    help: 'When the last successful reconciliation run finished (Unix time); 0 before the first since start',
    registers: [registry],
  });
  for (const outcome of ['succeeded', 'failed'] as const) runs.inc({ outcome }, 0);
  for (const kind of discrepancyKinds) discrepancies.inc({ kind }, 0);
  return (run) => {
    if (run.status !== 'succeeded' && run.status !== 'failed') return;
    runs.inc({ outcome: run.status });
    for (const kind of discrepancyKinds) if (run.counts[kind] > 0) discrepancies.inc({ kind }, run.counts[kind]);
    if (run.status === 'succeeded') lastSuccess.set(Date.parse(run.finishedAt ?? new Date().toISOString()) / 1000);
  };
}
