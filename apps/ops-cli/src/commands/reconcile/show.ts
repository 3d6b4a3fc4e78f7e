import { findReconciliation, listReconciliations } from '@consign/operations';
import { Command, text } from '../../command';
import { fields, json, table } from '../../render';

export const reconcileShow: Command = {
  path: ['reconcile', 'show'],
  summary: 'one reconciliation run with its discrepancies, or the latest runs',
  usage: 'reconcile show [<run id>] [--tenant <id>]',
  details: 'Without a run id: the latest runs (when, window, status, counts per kind).',
  operands: { name: '<run id>', description: 'the run to show', optional: true },
  options: { tenant: { type: 'string', value: '<id>', description: 'the latest runs of this tenant only', default: 'every tenant' } },
  async run({ values, positionals, json: asJson, context, io }) {
    if (positionals.length === 0) {
      const runs = await listReconciliations(context.http, text(values, 'tenant'));
      if (asJson) return (io.out(json({ runs })), 0);
      io.out(
        table(
          ['run', 'tenant', 'window', 'status', 'trigger', 'counts'],
          runs.map((run) => [
            run.id,
            run.tenantId,
            `${run.windowFrom} .. ${run.windowTo}`,
            run.status,
            run.trigger,
            Object.entries(run.counts)
              .filter(([, count]) => count > 0)
              .map(([kind, count]) => `${kind}=${count}`)
              .join(' '),
          ]),
        ),
      );
      return 0;
    }
    const run = await findReconciliation(context.http, positionals[0]);
    if (asJson) return (io.out(json(run)), 0);
    io.out(
      fields([
        ['run', run.id],
        ['status', run.status],
        ['window', `${run.windowFrom} .. ${run.windowTo}`],
        ['actor', run.actor],
      ]),
    );
    io.out(
      table(
        ['discrepancy', 'kind', 'subject', 'shopify', 'local', 'repaired'],
        (run.discrepancies ?? []).map((item) => [
          item.id,
          item.kind,
          item.subjectId,
          JSON.stringify(item.shopifyValue).slice(0, 60),
          JSON.stringify(item.localValue).slice(0, 60),
          item.repairedAt ?? '',
        ]),
      ),
    );
    return 0;
  },
};
