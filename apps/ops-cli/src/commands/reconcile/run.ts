import { startReconciliation } from '@consign/operations';
import { Command, text, time } from '../../command';
import { fields, json, table } from '../../render';

export const reconcileRun: Command = {
  path: ['reconcile', 'run'],
  summary: 'compare Shopify with the local projections now (reconciler)',
  usage: 'reconcile run [--tenant <id>] [--from <ISO>] [--to <ISO>]',
  details: `Asks the reconciler (OPS_RECONCILER_URL) for a run over the window (default: the last 24 h)
and prints the discrepancies found, with both sides' values (--json).`,
  options: {
    tenant: { type: 'string', value: '<id>', description: 'the tenant to compare', default: 'the only one configured' },
    from: { type: 'string', value: '<ISO>', description: 'the start of the window', default: '24 h before --to' },
    to: { type: 'string', value: '<ISO>', description: 'the end of the window', default: 'now' },
  },
  async run({ values, json: asJson, context, io }) {
    const run = await startReconciliation(context.http, {
      tenantId: text(values, 'tenant'),
      from: time(text(values, 'from'), 'from'),
      to: time(text(values, 'to'), 'to'),
    });
    if (asJson) return (io.out(json(run)), 0);
    io.out(
      fields([
        ['run', run.id],
        ['tenant', run.tenantId],
        ['window', `${run.windowFrom} .. ${run.windowTo}`],
        ['status', run.status],
        [
          'counts',
          Object.entries(run.counts)
            .map(([kind, count]) => `${kind}=${count}`)
            .join(' '),
        ],
      ]),
    );
    io.out(
      table(
        ['discrepancy', 'kind', 'subject', 'repairable'],
        (run.discrepancies ?? []).map((item) => [
          item.id,
          item.kind,
          item.subjectId,
          item.repairable ? 'yes' : `no: ${item.notRepairableReason ?? ''}`,
        ]),
      ),
    );
    return run.status === 'succeeded' ? 0 : 1;
  },
};
